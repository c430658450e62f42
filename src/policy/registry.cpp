// PolicyRegistry: loading embedded and user policy files, attaching overlays, version selection.
#include "policy/registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/embedded.h"
#include "policy/loader.h"

namespace gradus {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_overlay(std::string_view yaml) {
  // An overlay file's first key is `overlay:` (possibly after comments).
  size_t i = 0;
  while (i < yaml.size()) {
    size_t end = yaml.find('\n', i);
    std::string_view line = yaml.substr(i, end == std::string_view::npos ? yaml.size() - i : end - i);
    std::string_view t = trim(line);
    if (!t.empty() && t[0] != '#' && t != "---") return t.substr(0, 8) == "overlay:";
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return false;
}

}  // namespace

PolicyRegistry PolicyRegistry::shipped(std::string* errors_out) {
  PolicyRegistry reg;
  std::string errors;
  std::vector<const EmbeddedFile*> overlays;
  for (const EmbeddedFile& f : embedded_files()) {
    if (f.path.substr(0, 9) != "policies/" || !ends_with(f.path, ".yaml") || ends_with(f.path, ".cases.yaml"))
      continue;
    if (is_overlay(f.contents)) {
      overlays.push_back(&f);
      continue;
    }
    Status s = reg.add_text(f.contents, std::string(f.path));
    if (!s.ok()) errors += s.message.en;
  }
  for (const EmbeddedFile* f : overlays) {
    Status s = reg.add_text(f->contents, std::string(f->path));
    if (!s.ok()) errors += s.message.en;
  }
  if (errors_out) *errors_out += errors;
  return reg;
}

Status PolicyRegistry::add_text(std::string_view yaml, const std::string& name) {
  if (is_overlay(yaml)) {
    Result<std::string> target = overlay_target(yaml, name);
    if (!target) return target.error();
    size_t at = target->find('@');
    Policy* frame = nullptr;
    for (auto& p : policies_)
      if (p->id == target->substr(0, at) && p->version == target->substr(at + 1)) frame = p.get();
    if (!frame) {
      std::string msg = name + ":1:1: overlay for " + *target + ", which is not loaded";
      return error(StatusCode::not_found, msg, msg);
    }
    return load_overlay_text(yaml, name, *frame);
  }
  Result<Policy> p = load_policy_text(yaml, name);
  if (!p) return p.error();
  for (auto& existing : policies_) {
    if (existing->id == p->id && existing->version == p->version) {
      auto overlays = std::move(existing->overlays);
      *existing = std::move(*p);
      existing->overlays = std::move(overlays);
      return Status::ok_status();
    }
  }
  if (Status s = check_overlaps(*p); !s.ok()) return s;
  policies_.push_back(std::make_unique<Policy>(std::move(*p)));
  return Status::ok_status();
}

Status PolicyRegistry::check_overlaps(const Policy& p) const {
  for (const auto& q : policies_) {
    if (q->id != p.id) continue;
    for (const auto& [mode, w] : p.modes) {
      auto it = q->modes.find(mode);
      if (it == q->modes.end()) continue;
      const ModeWindow& v = it->second;
      bool overlap = (!w.to || v.from <= *w.to) && (!v.to || w.from <= *v.to);
      if (overlap) {
        std::string msg = p.file + ":1:1: the " + mode + " window of " + p.key() + " overlaps that of " +
                          q->key() + " (" + q->file + ")";
        return error(StatusCode::invalid_argument, msg, msg);
      }
    }
  }
  return Status::ok_status();
}

Status PolicyRegistry::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(StatusCode::io_error, "无法读取策略文件 " + path, "cannot read policy file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return add_text(ss.str(), path);
}

const Policy* PolicyRegistry::find(std::string_view id, std::string_view version) const {
  for (const auto& p : policies_)
    if (p->id == id && p->version == version) return p.get();
  return nullptr;
}

Result<const Policy*> PolicyRegistry::select(std::string_view spec, Date as_of, std::string_view mode) const {
  size_t at = spec.find('@');
  std::string id(spec.substr(0, at));
  bool known = false;
  for (const auto& p : policies_) known = known || p->id == id;
  if (!known) {
    std::string list;
    for (const std::string& i : ids()) list += (list.empty() ? "" : ", ") + i;
    return error(StatusCode::not_found, "未知的政策 " + id + "（可用：" + list + "）",
                 "unknown policy " + id + " (known: " + list + ")");
  }
  if (at != std::string_view::npos) {
    std::string version(spec.substr(at + 1));
    if (const Policy* p = find(id, version)) return p;
    return error(StatusCode::not_found, "政策 " + id + " 没有 " + version + " 版本",
                 "policy " + id + " has no version " + version);
  }
  for (const auto& p : policies_) {
    if (p->id != id) continue;
    auto it = p->modes.find(std::string(mode));
    if (it != p->modes.end() && it->second.contains(as_of)) return p.get();
  }
  std::string d = as_of.to_string();
  return error(StatusCode::not_found,
               "在 " + d + " 没有适用于" + (mode == "review" ? "复核" : "申报") + "的 " + id + " 版本",
               "no version of " + id + " is in force for " + std::string(mode) + " on " + d);
}

std::vector<std::string> PolicyRegistry::ids() const {
  std::vector<std::string> out;
  for (const auto& p : policies_)
    if (std::find(out.begin(), out.end(), p->id) == out.end()) out.push_back(p->id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<const Policy*> PolicyRegistry::all() const {
  std::vector<const Policy*> out;
  for (const auto& p : policies_) out.push_back(p.get());
  std::sort(out.begin(), out.end(), [](const Policy* a, const Policy* b) {
    return a->id != b->id ? a->id < b->id : a->version < b->version;
  });
  return out;
}

}  // namespace gradus
