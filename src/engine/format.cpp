// Text, JSON and CSV formatting of assessment results; see format.h.
#include "engine/format.h"

#include <nlohmann/json.hpp>

namespace gradus {
namespace {

using json = nlohmann::ordered_json;

json number_or_text(const std::optional<double>& n, const std::string& text) {
  if (n && text.find_first_not_of("-0123456789.") == std::string::npos) {
    double r = std::stod(text);
    if (r == static_cast<double>(static_cast<int64_t>(r))) return static_cast<int64_t>(r);
    return r;
  }
  if (text.empty()) return nullptr;
  return text;
}

json label_json(const Text& t) { return json{{"zh", t.zh}, {"en", t.en}}; }

json score_json(double lo, double hi) {
  if (lo == hi) return number_or_text(lo, format_number(lo));
  return json{{"min", number_or_text(lo, format_number(lo))}, {"max", number_or_text(hi, format_number(hi))}};
}

std::string missing_text(const std::vector<FieldRef>& refs, Lang lang) {
  std::string s;
  for (const FieldRef& r : refs) s += (s.empty() ? "" : lang == Lang::zh ? "、" : ", ") + field_ref_text(r, lang);
  return s;
}


std::string score_text(const AssessmentResult& r) {
  return r.score_lo == r.score_hi ? format_number(r.score_lo)
                                  : format_number(r.score_lo) + "–" + format_number(r.score_hi);
}

const char* mode_text(const std::string& mode, Lang lang) {
  if (lang == Lang::en) return mode == "review" ? "review" : "application";
  return mode == "review" ? "复核" : "申报";
}

std::string outcome_mark(Outcome o) {
  switch (o) {
    case Outcome::met: return "✔";
    case Outcome::not_met: return "✘";
    case Outcome::unknown: return "?";
    case Outcome::manual: return "◐";
  }
  return " ";
}

}  // namespace

void append_json(const AssessmentResult& r, Lang lang, std::string& out) {
  const Policy& p = *r.policy;
  json j;
  j["uscc"] = r.uscc;
  if (!r.name.empty()) j["name"] = r.name;
  j["policy"] = p.id;
  j["version"] = p.version;
  j["document"] = p.document;
  j["as_of"] = r.as_of.to_string();
  j["mode"] = r.mode;
  j["outcome"] = outcome_id(r.outcome);
  j["score"] = r.scored ? score_json(r.score_lo, r.score_hi) : json(nullptr);
  if (p.classify) {
    j["result"] = r.result ? json(*r.result) : json(nullptr);
    if (!r.result) j["possible"] = r.possible;
    j["category"] = r.category.empty() ? json(nullptr) : json(r.category);
    json vals = json::object();
    for (const auto& [k, v] : r.classify_values) vals[k] = v.empty() ? json(nullptr) : number_or_text(0.0, v);
    j["values"] = vals;
    json missing = json::array();
    for (const FieldRef& m : r.missing) missing.push_back(field_ref_text(m, Lang::en));
    if (!missing.empty()) j["missing"] = missing;
  }
  if (r.scored) {
    json classes = json::array();
    for (const ClassSubtotal& c : r.classes)
      classes.push_back({{"id", c.id}, {"points", score_json(c.lo, c.hi)}, {"label", label_json(c.label)}});
    j["classes"] = classes;
    json inds = json::array();
    for (const IndicatorResult& i : r.indicators) {
      json o{{"id", i.id}, {"class", i.class_id}, {"points", score_json(i.lo, i.hi)}, {"max", i.max}};
      if (!i.value.empty()) o["value"] = number_or_text(i.number, i.value);
      if (!i.unit.empty()) o["unit"] = i.unit;
      if (!i.band.empty()) o["band"] = i.band;
      if (!i.overlay.empty()) o["overlay"] = i.overlay;
      if (i.flags & kPointsManual) o["manual"] = label_json(i.manual_reason);
      if (!i.note.empty()) o["note"] = i.note.in(lang);
      if (!i.missing.empty()) {
        json m = json::array();
        for (const FieldRef& f : i.missing) m.push_back(field_ref_text(f, Lang::en));
        o["missing"] = m;
      }
      if (!i.cite.empty()) o["cite"] = i.cite;
      o["label"] = label_json(i.label);
      inds.push_back(o);
    }
    j["indicators"] = inds;
  }
  json crit = json::array();
  for (const CriterionResult& c : r.criteria) {
    json o{{"id", c.id}, {"outcome", outcome_id(c.outcome)}};
    if (c.leaf) {
      o["value"] = number_or_text(c.number, c.value);
      if (!c.threshold.empty()) o["threshold"] = c.threshold;
      if (!c.unit.empty()) o["unit"] = c.unit;
    }
    if (!c.missing.empty()) {
      json m = json::array();
      for (const FieldRef& f : c.missing) m.push_back(field_ref_text(f, Lang::en));
      o["missing"] = m;
    }
    if (!c.note.empty()) o["note"] = c.note.in(lang);
    o["cite"] = c.cite;
    o["label"] = label_json(c.label);
    crit.push_back(o);
  }
  j["criteria"] = crit;
  out += j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void append_csv_header(Lang lang, std::string& out) {
  out += lang == Lang::zh ? "统一社会信用代码,企业名称,政策,版本,评价日期,模式,结论,得分,划型,未满足或待定条件\n"
                          : "uscc,name,policy,version,as_of,mode,outcome,score,result,open_criteria\n";
}

std::string policy_name(const Policy& p, Lang lang) { return lang == Lang::zh ? p.title.zh : p.key(); }

const Text& mode_label(std::string_view mode) {
  static const Text application{"申报", "application"}, review{"复核", "review"}, other{"", ""};
  return mode == "application" ? application : mode == "review" ? review : other;
}

void append_csv(const AssessmentResult& r, Lang lang, std::string& out) {
  // English: the contract's ids, for programs. Chinese: what a person reads in Excel — the
  // policy's title, the mode, outcome and class as words, the open criteria by their labels.
  const bool zh = lang == Lang::zh;
  std::string open;
  for (const CriterionResult& c : r.criteria) {
    if (!c.leaf || c.outcome == Outcome::met) continue;
    open += open.empty() ? "" : (zh ? "；" : ";");
    open += zh ? c.label.zh + "：" + outcome_label(c.outcome).zh : c.id + ":" + outcome_id(c.outcome);
  }
  const std::string result = !r.result ? "" : zh && !r.result_label.zh.empty() ? r.result_label.zh : *r.result;
  out += csv_cell(r.uscc) + "," + csv_cell(r.name) + "," + csv_cell(zh ? r.policy->title.zh : r.policy->id) + "," +
         r.policy->version + "," + r.as_of.to_string() + "," + (zh ? mode_label(r.mode).zh : r.mode) + "," +
         (zh ? outcome_label(r.outcome).zh : outcome_id(r.outcome)) + "," + (r.scored ? score_text(r) : "") + "," +
         csv_cell(result) + "," + csv_cell(open) + "\n";
}

void append_text_heading(const AssessmentResult& r, Lang lang, std::string& out) {
  out += r.uscc + "  " + (r.name.empty() ? (lang == Lang::zh ? "（未填写名称）" : "(no name)") : r.name) + "\n";
}

void append_text_line(const AssessmentResult& r, Lang lang, std::string& out) {
  const Policy& p = *r.policy;
  std::string line = "  " + outcome_mark(r.outcome) + " " + policy_name(p, lang) +
                     (r.mode == "review" ? (lang == Lang::zh ? "（复核）" : " (review)") : "") + "  " +
                     outcome_label(r.outcome).in(lang);
  if (r.result) line += "  " + r.result_label.in(lang);
  if (r.scored) line += (lang == Lang::zh ? "  得分 " : "  score ") + score_text(r);
  out += line + "\n";
  if (r.outcome == Outcome::met) return;
  // Only the leaves that decide the outcome: below an `all`, every child not met; below an `any`
  // or `at_least`, the children whose outcome is the group's (for not_met: every failed one).
  std::vector<bool> shown(r.criteria.size(), false);
  std::vector<int> parent_at_depth;
  for (size_t k = 0; k < r.criteria.size(); ++k) {
    const CriterionResult& c = r.criteria[k];
    parent_at_depth.resize(c.depth);
    bool show;
    if (c.depth == 0) {
      show = c.outcome != Outcome::met;
    } else {
      const CriterionResult& p = r.criteria[parent_at_depth[c.depth - 1]];
      bool parent_shown = shown[parent_at_depth[c.depth - 1]];
      if (p.kind == Criterion::Kind::all || p.outcome == Outcome::not_met) show = c.outcome != Outcome::met;
      else show = c.outcome == p.outcome;
      show = show && parent_shown;
    }
    shown[k] = show;
    parent_at_depth.push_back(static_cast<int>(k));
    if (!show || !c.leaf) continue;
    const char* colon = lang == Lang::zh ? "：" : ": ";
    out += "      " + outcome_mark(c.outcome) + " " + c.label.in(lang);
    if (c.kind == Criterion::Kind::compare || c.kind == Criterion::Kind::score_pass)
      out += colon + (c.value.empty() ? std::string("—") : c.value) + (c.unit.empty() ? "" : " " + c.unit) + ", " +
             (lang == Lang::zh ? "要求 " : "required ") + c.threshold;
    if (!c.missing.empty()) out += (lang == Lang::zh ? "（缺少：" : " (missing: ") + missing_text(c.missing, lang) + (lang == Lang::zh ? "）" : ")");
    if (c.outcome == Outcome::manual && !c.note.empty()) out += (lang == Lang::zh ? "（" : " (") + c.note.in(lang) + (lang == Lang::zh ? "）" : ")");
    out += "\n";
  }
  if (r.policy->classify && !r.missing.empty())
    out += std::string("      ? ") + (lang == Lang::zh ? "缺少：" : "missing: ") + missing_text(r.missing, lang) + "\n";
}

void append_explanation(const AssessmentResult& r, Lang lang, std::string& out) {
  const Policy& p = *r.policy;
  const bool zh = lang == Lang::zh;
  out += "━━ " + p.title.in(lang) + "  [" + p.id + "@" + p.version + "]\n";
  out += (zh ? "   文件：" : "   document: ") + p.document + "\n";
  out += (zh ? "   评价日期：" : "   as of: ") + r.as_of.to_string() + (zh ? "  模式：" : "  mode: ") + mode_text(r.mode, lang) + "\n";
  out += (zh ? "   结论：" : "   outcome: ") + outcome_mark(r.outcome) + " " + outcome_label(r.outcome).in(lang);
  if (r.result) out += "  (" + r.result_label.in(lang) + ")";
  if (r.scored) out += (zh ? "  总分 " : "  total score ") + score_text(r);
  out += "\n";
  if (p.classify) {
    out += (zh ? "   行业类别：" : "   industry category: ") + (r.category.empty() ? std::string("—") : r.category_label.in(lang)) + "\n";
    for (const auto& [k, v] : r.classify_values) out += "   " + k + " = " + (v.empty() ? "—" : v) + "\n";
    if (!r.result && !r.possible.empty()) {
      out += zh ? "   可能的类型：" : "   still possible: ";
      for (const std::string& c : r.possible) out += c + " ";
      out += "\n";
    }
    if (!r.missing.empty()) out += (zh ? "   缺少：" : "   missing: ") + missing_text(r.missing, lang) + "\n";
  }
  for (const CriterionResult& c : r.criteria) {
    std::string indent(3 + 2 * c.depth, ' ');
    out += indent + outcome_mark(c.outcome) + " [" + c.id + "] " + c.label.in(lang);
    if (c.kind == Criterion::Kind::at_least) out += (zh ? "（至少 " : " (at least ") + std::to_string(c.at_least) + (zh ? " 项）" : ")");
    out += " — " + outcome_label(c.outcome).in(lang) + "\n";
    if (c.leaf) {
      if (c.kind == Criterion::Kind::compare || c.kind == Criterion::Kind::score_pass)
        out += indent + "    " + (zh ? "取值 " : "value ") + (c.value.empty() ? "—" : c.value) + (c.unit.empty() ? "" : " " + c.unit) +
               (zh ? "，要求 " : ", required ") + c.threshold + (c.wording.empty() ? "" : "（" + c.wording + "）") + "\n";
      else if (c.kind == Criterion::Kind::test)
        out += indent + "    " + (zh ? "条件 " : "test ") + c.threshold + " = " + (c.value.empty() ? "—" : c.value) + "\n";
      if (!c.missing.empty()) out += indent + "    " + (zh ? "缺少：" : "missing: ") + missing_text(c.missing, lang) + "\n";
    }
    if (!c.note.empty()) out += indent + "    " + (zh ? "说明：" : "note: ") + c.note.in(lang) + "\n";
    if (!c.reading.empty()) out += indent + "    " + (zh ? "解读：" : "reading: ") + c.reading.in(lang) + "\n";
    out += indent + "    " + (zh ? "依据：" : "cite: ") + c.cite + "\n";
  }
  if (r.scored) {
    out += zh ? "   评分明细：\n" : "   score table:\n";
    for (const ClassSubtotal& c : r.classes) {
      out += "     " + c.label.in(lang) + (zh ? "  小计 " : "  subtotal ") + (c.lo == c.hi ? format_number(c.lo) : format_number(c.lo) + "–" + format_number(c.hi)) + "\n";
      for (const IndicatorResult& i : r.indicators) {
        if (i.class_id != c.id) continue;
        out += "       · " + i.label.in(lang) + "：" + (i.lo == i.hi ? format_number(i.lo) : format_number(i.lo) + "–" + format_number(i.hi)) + "/" + format_number(i.max);
        if (!i.value.empty()) out += (zh ? "（取值 " : " (value ") + i.value + (i.unit.empty() ? "" : " " + i.unit) + (zh ? "）" : ")");
        if (!i.band.empty()) out += (zh ? " 档位：" : " band: ") + i.band;
        if (!i.overlay.empty()) out += (zh ? " 地方指标：" : " local overlay: ") + i.overlay;
        if (i.flags & kPointsManual) out += (zh ? " 需人工评审：" : " manual: ") + i.manual_reason.in(lang);
        if (!i.missing.empty()) out += (zh ? " 缺少：" : " missing: ") + missing_text(i.missing, lang);
        if (!i.cite.empty()) out += (zh ? " 依据：" : " cite: ") + i.cite;
        out += "\n";
        if (!i.note.empty()) out += std::string("         ") + (zh ? "说明：" : "note: ") + i.note.in(lang) + "\n";
        if (!i.reading.empty()) out += std::string("         ") + (zh ? "解读：" : "reading: ") + i.reading.in(lang) + "\n";
      }
    }
  }
  if (!r.inputs.empty()) {
    out += zh ? "   使用的数据：\n" : "   inputs used:\n";
    for (const InputValue& in : r.inputs)
      out += "     " + field_ref_text(in.ref, lang) + " = " + (in.value.empty() ? (zh ? "（缺失）" : "(missing)") : in.value) + "\n";
  }
}

std::string csv_cell(const std::string& s) { return csv_field(s); }

}  // namespace gradus
