// Builds the collapsible criterion tree of an assessment: the explanation gives the criteria in
// the policy's order (root first), the policy (/policies/{id}/{version}) gives each one's depth.
// Without a depth, a dotted id (elig.sme) hangs under its prefix (elig) when that exists.
export interface TreeNode {
  id: string
  data: Record<string, any>
  children: TreeNode[]
}

export function buildTree(criteria: Record<string, any>[], depths: Record<string, number> = {}): TreeNode[] {
  const roots: TreeNode[] = []
  const byId = new Map<string, TreeNode>()
  const stack: { node: TreeNode; depth: number }[] = []
  for (const c of criteria) {
    const node: TreeNode = { id: String(c.id), data: c, children: [] }
    const depth = depths[node.id]
    if (typeof depth === 'number') {
      while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop()
      if (stack.length) stack[stack.length - 1].node.children.push(node)
      else roots.push(node)
      stack.push({ node, depth })
    } else {
      const dot = node.id.lastIndexOf('.')
      const parent = dot > 0 ? byId.get(node.id.slice(0, dot)) : undefined
      if (parent) parent.children.push(node)
      else if (roots.length === 1 && roots[0].id === 'root' && node.id !== 'root') roots[0].children.push(node)
      else roots.push(node)
    }
    byId.set(node.id, node)
  }
  return roots
}
