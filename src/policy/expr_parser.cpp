// Recursive-descent parser for policy expressions: tokens, precedence climbing, source positions.
#include "policy/expr_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <vector>

namespace gradus {
namespace {

enum class Tok { end, number, name, list, op, lparen, rparen, comma, at };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  int offset = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool run(std::vector<Token>* out, ParseError* err, SourcePos start) {
    size_t i = 0;
    while (i < s_.size()) {
      char c = s_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.offset = static_cast<int>(i);
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i + 1])))) {
        size_t j = i;
        while (j < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[j])) || s_[j] == '.')) ++j;
        t.kind = Tok::number;
        t.text = std::string(s_.substr(i, j - i));
        i = j;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_'))
          ++j;
        t.kind = Tok::name;
        t.text = std::string(s_.substr(i, j - i));
        i = j;
        // policy(<id>): ids contain '-', so the argument is read raw up to ')'.
        if (t.text == "policy") {
          size_t k = j;
          while (k < s_.size() && s_[k] == ' ') ++k;
          if (k < s_.size() && s_[k] == '(') {
            size_t close = s_.find(')', k);
            if (close == std::string_view::npos) return fail(err, start, k, "missing ')'");
            out->push_back(t);
            out->push_back({Tok::lparen, "(", static_cast<int>(k)});
            Token arg{Tok::name, std::string(trim(s_.substr(k + 1, close - k - 1))),
                      static_cast<int>(k + 1)};
            out->push_back(arg);
            out->push_back({Tok::rparen, ")", static_cast<int>(close)});
            i = close + 1;
            continue;
          }
        }
      } else if (c == '[') {
        size_t close = s_.find(']', i);
        if (close == std::string_view::npos) return fail(err, start, i, "missing ']'");
        t.kind = Tok::list;
        t.text = std::string(s_.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '(') {
        t.kind = Tok::lparen, t.text = "(", ++i;
      } else if (c == ')') {
        t.kind = Tok::rparen, t.text = ")", ++i;
      } else if (c == ',') {
        t.kind = Tok::comma, t.text = ",", ++i;
      } else if (c == '@') {
        t.kind = Tok::at, t.text = "@", ++i;
      } else if ((c == '<' || c == '>' || c == '=' || c == '!') && i + 1 < s_.size() &&
                 s_[i + 1] == '=') {
        t.kind = Tok::op, t.text = std::string(s_.substr(i, 2)), i += 2;
      } else if (c == '<' || c == '>' || c == '+' || c == '-' || c == '*' || c == '/') {
        t.kind = Tok::op, t.text = std::string(1, c), ++i;
      } else {
        return fail(err, start, i, std::string("unexpected character '") + c + "'");
      }
      out->push_back(std::move(t));
    }
    out->push_back({Tok::end, "", static_cast<int>(s_.size())});
    return true;
  }

 private:
  bool fail(ParseError* err, SourcePos start, size_t offset, std::string msg) {
    err->pos = {start.line, start.col + static_cast<int>(offset)};
    err->message = std::move(msg);
    return false;
  }
  std::string_view s_;
};

class Parser {
 public:
  Parser(std::vector<Token> toks, SourcePos start, ParseError* err)
      : toks_(std::move(toks)), start_(start), err_(err) {}

  std::unique_ptr<Expr> parse() {
    auto e = parse_or();
    if (!e) return nullptr;
    if (peek().kind != Tok::end) return fail("unexpected '" + peek().text + "'");
    return e;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  Token next() { return toks_[pos_++]; }
  SourcePos at(const Token& t) const { return {start_.line, start_.col + t.offset}; }

  std::unique_ptr<Expr> fail(std::string msg) {
    if (err_->message.empty()) {
      err_->pos = at(peek());
      err_->message = std::move(msg);
    }
    return nullptr;
  }

  // The limit of kMaxExpressionDepth, at token `t`.
  std::unique_ptr<Expr> too_deep(const Token& t) {
    if (err_->message.empty()) {
      err_->pos = at(t);
      err_->limit = true;
      err_->message = "the expression nests more than " + std::to_string(kMaxExpressionDepth) +
                      " levels deep here (the limit: each parenthesis, function call, '-', "
                      "'not' and operator is a level, a sum of n terms n - 1 levels); split it "
                      "into facts";
    }
    return nullptr;
  }
  // Counts one level of recursion for as long as it lives (parentheses, calls, '-', 'not').
  class Nest {
   public:
    explicit Nest(int& depth) : depth_(depth) { ++depth_; }
    ~Nest() { --depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    int& depth_;
  };
  // Sets e's height from its children; false when it exceeds the limit.
  static bool measure(Expr& e) {
    int h = 0;
    for (const auto& a : e.args) h = std::max(h, a->height);
    e.height = h + 1;
    return e.height <= kMaxExpressionDepth;
  }

  static std::unique_ptr<Expr> node(Expr::Kind k, SourcePos p) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->pos = p;
    return e;
  }
  // a OP b at the operator token `op`; nullptr (an error) when the tree gets too deep.
  std::unique_ptr<Expr> binary(Expr::Kind k, const Token& op, std::unique_ptr<Expr> a,
                               std::unique_ptr<Expr> b) {
    auto e = node(k, at(op));
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    if (!measure(*e)) return too_deep(op);
    return e;
  }
  bool is_word(const char* w) const { return peek().kind == Tok::name && peek().text == w; }

  std::unique_ptr<Expr> parse_or() {
    auto l = parse_and();
    while (l && is_word("or")) {
      const Token op = next();
      auto r = parse_and();
      if (!r) return nullptr;
      l = binary(Expr::Kind::or_, op, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> parse_and() {
    auto l = parse_not();
    while (l && is_word("and")) {
      const Token op = next();
      auto r = parse_not();
      if (!r) return nullptr;
      l = binary(Expr::Kind::and_, op, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> parse_not() {
    if (is_word("not")) {
      const Token op = next();
      Nest nest(depth_);
      if (depth_ > kMaxExpressionDepth) return too_deep(op);
      auto a = parse_not();
      if (!a) return nullptr;
      auto e = node(Expr::Kind::not_, at(op));
      e->args.push_back(std::move(a));
      if (!measure(*e)) return too_deep(op);
      return e;
    }
    return parse_cmp();
  }
  std::unique_ptr<Expr> parse_cmp() {
    auto l = parse_sum();
    if (!l) return nullptr;
    if (peek().kind == Tok::op) {
      const std::string& o = peek().text;
      Expr::Kind k;
      if (o == "<") k = Expr::Kind::lt;
      else if (o == "<=") k = Expr::Kind::le;
      else if (o == ">") k = Expr::Kind::gt;
      else if (o == ">=") k = Expr::Kind::ge;
      else if (o == "==") k = Expr::Kind::eq;
      else if (o == "!=") k = Expr::Kind::ne;
      else return l;
      const Token op = next();
      auto r = parse_sum();
      if (!r) return nullptr;
      return binary(k, op, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> parse_sum() {
    auto l = parse_term();
    while (l && peek().kind == Tok::op && (peek().text == "+" || peek().text == "-")) {
      Expr::Kind k = peek().text == "+" ? Expr::Kind::add : Expr::Kind::sub;
      const Token op = next();
      auto r = parse_term();
      if (!r) return nullptr;
      l = binary(k, op, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> parse_term() {
    auto l = parse_unary();
    while (l && peek().kind == Tok::op && (peek().text == "*" || peek().text == "/")) {
      Expr::Kind k = peek().text == "*" ? Expr::Kind::mul : Expr::Kind::div;
      const Token op = next();
      auto r = parse_unary();
      if (!r) return nullptr;
      l = binary(k, op, std::move(l), std::move(r));
    }
    return l;
  }
  std::unique_ptr<Expr> parse_unary() {
    if (peek().kind == Tok::op && peek().text == "-") {
      const Token op = next();
      const SourcePos p = at(op);
      Nest nest(depth_);
      if (depth_ > kMaxExpressionDepth) return too_deep(op);
      auto a = parse_unary();
      if (!a) return nullptr;
      if (a->kind == Expr::Kind::number) {  // fold "-3" into a literal
        a->text = "-" + a->text;
        a->number = -a->number;
        a->pos = p;
        return a;
      }
      auto e = node(Expr::Kind::neg, p);
      e->args.push_back(std::move(a));
      if (!measure(*e)) return too_deep(op);
      return e;
    }
    return parse_atom();
  }
  std::unique_ptr<Expr> parse_atom() {
    const Token& t = peek();
    SourcePos p = at(t);
    switch (t.kind) {
      case Tok::number: {
        Token tok = next();
        if (tok.text.find('.') != tok.text.rfind('.')) return fail("malformed number " + tok.text);
        auto e = node(Expr::Kind::number, p);
        e->text = tok.text;
        e->number = std::strtod(tok.text.c_str(), nullptr);
        return e;
      }
      case Tok::list: {
        Token tok = next();
        auto e = node(Expr::Kind::list, p);
        e->type = ValueType::list;
        for (std::string_view item : split(tok.text, ',')) {
          std::string_view v = trim(item);
          if (v.empty()) {
            err_->pos = p;
            err_->message = "empty item in list [" + tok.text + "]";
            return nullptr;
          }
          e->names.emplace_back(v);
        }
        return e;
      }
      case Tok::lparen: {
        const Token open = next();
        Nest nest(depth_);
        if (depth_ > kMaxExpressionDepth) return too_deep(open);
        auto e = parse_or();
        if (!e) return nullptr;
        if (peek().kind != Tok::rparen) return fail("expected ')'");
        next();
        return e;
      }
      case Tok::name: {
        Token tok = next();
        if (peek().kind == Tok::lparen) {
          next();
          Nest nest(depth_);
          if (depth_ > kMaxExpressionDepth) return too_deep(tok);
          auto e = node(Expr::Kind::call, p);
          e->name = tok.text;
          if (peek().kind != Tok::rparen) {
            while (true) {
              auto a = parse_or();
              if (!a) return nullptr;
              e->args.push_back(std::move(a));
              if (peek().kind == Tok::comma) {
                next();
                continue;
              }
              break;
            }
          }
          if (peek().kind != Tok::rparen) return fail("expected ',' or ')' in call to " + tok.text);
          next();
          if (!measure(*e)) return too_deep(tok);
          return e;
        }
        auto e = node(Expr::Kind::field, p);  // resolved later: field / parameter / fact / enum
        e->name = tok.text;
        if (peek().kind == Tok::at) {
          next();
          int sign = 1;
          if (peek().kind == Tok::op && (peek().text == "-" || peek().text == "+")) {
            sign = next().text == "-" ? -1 : 1;
          }
          if (peek().kind != Tok::number) return fail("expected a year offset after '@', e.g. revenue@-1");
          Token n = next();
          int v = 0;
          auto [ptr, ec] = std::from_chars(n.text.data(), n.text.data() + n.text.size(), v);
          if (ec != std::errc() || ptr != n.text.data() + n.text.size()) {
            err_->pos = at(n);
            err_->message = "a year offset is a whole number of years: " + n.text;
            return nullptr;
          }
          e->year_offset = sign * v;
          e->text = "@";  // marks that an offset was written
        }
        return e;
      }
      case Tok::end:
        return fail("unexpected end of expression");
      default:
        return fail("unexpected '" + t.text + "'");
    }
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;  // levels of recursion open (Nest)
  SourcePos start_;
  ParseError* err_;
};

const char* kind_op(Expr::Kind k) {
  switch (k) {
    case Expr::Kind::add: return " + ";
    case Expr::Kind::sub: return " - ";
    case Expr::Kind::mul: return " * ";
    case Expr::Kind::div: return " / ";
    case Expr::Kind::lt: return " < ";
    case Expr::Kind::le: return " <= ";
    case Expr::Kind::gt: return " > ";
    case Expr::Kind::ge: return " >= ";
    case Expr::Kind::eq: return " == ";
    case Expr::Kind::ne: return " != ";
    case Expr::Kind::and_: return " and ";
    case Expr::Kind::or_: return " or ";
    default: return " ? ";
  }
}

}  // namespace

std::unique_ptr<Expr> parse_expression(std::string_view text, SourcePos start, ParseError* error) {
  std::vector<Token> toks;
  Lexer lexer(text);
  if (!lexer.run(&toks, error, start)) return nullptr;
  Parser parser(std::move(toks), start, error);
  return parser.parse();
}

std::string expression_text(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::number: return e.text;
    case Expr::Kind::field:
      if (e.text == "@") return e.name + "@" + std::to_string(e.year_offset);
      return e.name;
    case Expr::Kind::parameter:
    case Expr::Kind::fact:
    case Expr::Kind::enum_value: return e.name;
    case Expr::Kind::list: {
      std::string s = "[";
      for (size_t i = 0; i < e.names.size(); ++i) s += (i ? ", " : "") + e.names[i];
      return s + "]";
    }
    case Expr::Kind::neg: return "-" + expression_text(*e.args[0]);
    case Expr::Kind::not_: return "not " + expression_text(*e.args[0]);
    case Expr::Kind::call: {
      std::string s = e.name + "(";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + expression_text(*e.args[i]);
      return s + ")";
    }
    default:
      return "(" + expression_text(*e.args[0]) + kind_op(e.kind) + expression_text(*e.args[1]) + ")";
  }
}

}  // namespace gradus
