// Chinese (zh-CN) texts of the web UI, the default language. Every key here exists in en.ts
// (tests/i18n.test.ts checks both ways).
export default {
  app: { name: 'gradus 梯度培育平台', subtitle: '优质中小企业梯度培育' },
  common: {
    search: '查询', reset: '重置', save: '保存', cancel: '取消', edit: '编辑', reload: '重新加载',
    close: '关闭', export: '导出 Excel', exportCsv: '导出 CSV', loading: '加载中…', none: '（无）', yes: '是', no: '否',
    actions: '操作', total: '共 {n} 条', all: '全部', open: '打开', add: '新增', saved: '已保存', confirm: '确定',
    downloaded: '已下载 {name}', labelled: '{label}：{value}', savePng: '保存为 PNG 图片', year: '年度', field: '字段', value: '值', before: '之前', after: '之后', at: '时间',
  },
  lang: { label: '语言', zh: '中文', en: 'English' },
  role: { admin: '管理员', official: '园区/地区工作人员', reviewer: '评审人员', enterprise: '企业用户' },
  outcome: { met: '符合', not_met: '不符合', unknown: '缺数据', manual: '待评审' },
  menu: {
    dashboard: '总览', pool: '企业库', myEnterprise: '本企业', import: '数据导入', potential: '潜力排名',
    policyDiff: '政策版本对比', policies: '政策标准', admin: '系统管理', users: '用户与令牌', audit: '审计日志',
  },
  top: { scope: '范围', scopeIs: '范围：{s}', scopeAll: '全部企业', logout: '退出登录', regions: '地区', parks: '园区', level: '层级' },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', required: '请输入用户名和密码',
  },
  dash: {
    title: '梯度培育总览', enterprises: '企业总数', holders: '称号持有', pyramid: '培育梯度（符合条件企业数）',
    outcomes: '各层级评价结果', candidates: '入库企业', byRegion: '按地区', byPark: '按园区', byIndustry: '按行业',
    tier: '层级', closest: '最接近{tier}的 20 家企业', asOf: '评价日期 {d}', clickHint: '点击图表或数字可查看对应企业名单',
  },
  pool: {
    title: '企业库', region: '地区代码', park: '园区', industry: '行业代码', sizeClass: '规模类型', titleHeld: '持有称号',
    policy: '评价标准', outcome: '评价结果', q: '名称或统一社会信用代码', uscc: '统一社会信用代码', name: '企业名称',
    titles: '已有称号', exporting: '正在导出…',
  },
  size: { micro: '微型', small: '小型', medium: '中型', large: '大型' },
  ent: {
    facts: '基本信息', yearly: '年度数据', titles: '称号', assessment: '评价', gaps: '差距', path: '晋级路径',
    whatif: '假设分析', history: '变更记录', version: '版本 {v}', editFacts: '编辑数据', stale: '该企业已被他人修改，请重新加载后再改。',
    savedFields: '已保存，变更 {n} 个字段', tier: '称号', since: '取得日期', status: '状态', validUntil: '有效期至',
    criterion: '条款', threshold: '要求', verdict: '结论', cite: '依据', score: '得分', document: '文件', noGaps: '已符合条件，无差距',
    missing: '需补充数据', suggestions: '最小改动', note: '说明', reviewerJudges: '需评审人员判断', inputs: '所用数据',
    callOpens: '申报开始', callCloses: '申报截止', decision: '公布', state: '状态', whatifHint: "修改下列数据（字段{'@'}年度 = 值），结果即时更新；不会保存。",
    addChange: '添加一项', changed: '结果变化', batch: '批次', kind: '类型', actor: '操作人', source: '来源',
    fieldHistory: '查看该字段的变更记录', allFields: '全部字段', reviewOn: '复核日期', reviewMet: '复核结论', noChanges: '没有修改',
  },
  imp: {
    title: '数据导入', choose: '选择文件（CSV、XLSX 或 JSON）', dryRun: '试导入（不写入）', run: '正式导入', template: '下载导入模板',
    report: '导入报告', rows: '读取行数', new: '新增企业', changed: '变动企业', fields: '变动字段', events: '新增事件',
    batch: '批次', errors: '错误（整个文件未导入）', row: '行', column: '列', reason: '原因', warnings: '提示',
    ignoreUnknown: '忽略未知列', dryOk: '试导入通过，可以正式导入', done: '已导入，批次 {b}', noFile: '请先选择文件',
    changes: '变动明细', file: '文件',
  },
  pot: { title: '潜力排名', policy: '称号', top: '前 N 名', rank: '名次', blocking: '卡在哪些条件', shortfall: '差距', notMet: '不符合', unknown: '缺数据', manual: '待评审', includeHolders: '包含已持有企业' },
  diff: { title: '政策版本对比', from: '原版本', to: '新版本', transitions: '结果变化', count: '企业数', moved: '结果变化的企业', blockingBefore: '原卡点', blockingAfter: '新卡点', run: '对比' },
  pol: { title: '政策标准', id: '标识', version: '版本', name: '名称', kind: '类型', inForce: '现行', tier: '称号', classify: '分类', criteria: '条款', wording: '原文', requirement: '要求' },
  admin: {
    users: '用户', name: '用户名', role: '角色', regions: '地区', parks: '园区', level: '层级', uscc: '企业信用代码', disabled: '停用',
    created: '创建时间', password: '密码（至少 10 位）', newUser: '新增用户', editUser: '编辑用户', tokens: 'API 令牌', label: '标签',
    lastUsed: '最近使用', revoked: '已撤销', revoke: '撤销', newToken: '新建令牌', tokenOnce: '请立即复制，令牌只显示这一次：',
    listHint: '多个值用逗号分隔', audit: '审计日志', seq: '序号', action: '动作', detail: '详情', verify: '校验审计链',
    verifyOk: '审计链完整：{entries} 条记录，核对 {batches} 个批次', verifyBad: '审计链有问题：{problem}', head: '链头哈希', actorFilter: '按操作人筛选',
  },
  err: { generic: '出错了', network: '无法连接服务器' },
}
