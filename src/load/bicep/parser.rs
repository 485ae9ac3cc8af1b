//! A recursive-descent parser for Bicep text after [`super::prep`]'s rewrite, building the
//! [`SyntaxTree`] tree-sitter's grammar builds, with Bicep's operator precedence.
//!
//! Why not tree-sitter alone:
//! - **Speed.** tree-sitter's GLR parser and lexer took 37 % of the CPU of a scan of the
//!   corpus' Bicep part, and copying its tree into a [`SyntaxTree`] another 8 %
//!   (`docs/performance.md`). This parser builds the flat tree directly.
//! - **Bicep's reading.** `tree-sitter-bicep` 1.1 misreads valid Bicep in ways that change
//!   values:
//!   - It gives member access, indexing and `::` the lowest precedence of all
//!     (`PREC.SUBSCRIPT = -1`): `a.b + c.d` parses as `(a.b + c).d`, `x ? a.b : c.d` as
//!     `(x ? a.b : c).d`, `!a.b` as `(!a).b`, `x => x.name` as `(x => x).name`.
//!   - Inside an array it splits an element at a call or an index (`[\n  f(a)\n]` as `f` and
//!     `(a)`, `[a[0]]` as `a` and `[0]`), and continues an element over a line break before
//!     `(` or `[` (`[\n  b\n  (c)\n]` as the call `b(c)`).
//!   - In an object it reads `a: (b) ? c : d` as the type `(b)?` and a property `c: d`.
//!
//!   In the corpus, 378 of 2,349 files hold such a tree. Here postfix operators bind tightest
//!   and a line break ends an array element, as in the Bicep compiler. The other levels are
//!   the grammar's, which are Bicep's: unary `!` `-`; `* / %`; `+ -`; `< <= > >=`;
//!   `== != =~ !~`; `&&`; `||`; `??` (all left to right; the grammar gives `??` the
//!   conditional's precedence, which builds the same trees); `? :` and `=>` (right to left).
//!
//! Everything else is the grammar's tree, node for node: the same kinds (by tree-sitter's
//! ids), fields, anonymous tokens and byte ranges, comments where tree-sitter puts them (as
//! children of the smallest node spanning them). The evaluator reads both alike.
//!
//! The parser takes only what it knows. It returns `None`, and the file is parsed by
//! tree-sitter (whose error recovery reports the line and keeps the statements without
//! errors), on:
//! - a syntax error;
//! - a token the grammar's lexer reads its own way where an array element or an object
//!   property may start: a `-` after an element on its line's start or glued to a digit
//!   (`[a -1]` is two elements there), a `(` or `[` apart from its operand inside an element
//!   (`[a (b)]`), a `*` glued to a name or digit (`[i*2]`: the grammar's identifiers may start
//!   with `*`);
//! - a primitive type name outside a type, a grammar keyword as a declared name (`var if`);
//! - recursion deeper than [`MAX_DEPTH`] (about 127 nested brackets: each costs two levels),
//!   and non-ASCII code outside strings and comments.
//!
//! The bound is on the parser's recursion, not on the tree's depth: operator and member
//! chains are built in loops, so `a+a+a...` nests one level per operator. Walks over the tree
//! elsewhere bound their own depth.
//!
//! The unit tests compare both parsers' trees on every construct; an ignored one
//! (`TENET_BICEP_CORPUS=DIR cargo test -- --ignored parser_matches_tree_sitter_on_a_corpus`)
//! on every `.bicep` file under a directory.

use super::syntax::{Entry, HAS_CHILDREN, NAMED, NONE, SyntaxTree, field_id, offset};
use symbols::{Symbols, symbols};

mod symbols;

/// Nesting bound (expressions, brackets); deeper input is left to tree-sitter, which does not
/// recurse.
const MAX_DEPTH: u32 = 256;

/// Grammar keywords the parser does not take as names or operands (tree-sitter decides
/// those: it takes them as identifiers where the keyword is not valid). The grammar's
/// `keyword_identifier` lists the keywords that are identifiers everywhere: `param`,
/// `resource`, `type`, the primitive types...
const RESERVED: &[&str] = &[
    "as",
    "assert",
    "false",
    "for",
    "from",
    "func",
    "if",
    "in",
    "null",
    "targetScope",
    "test",
    "true",
    "using",
    "with",
];

/// The binding power of a binary operator (the grammar's, which are Bicep's).
fn binary_precedence(op: &str) -> Option<u8> {
    Some(match op {
        "??" => 0,
        "||" => 1,
        "&&" => 2,
        "==" | "!=" | "=~" | "!~" => 6,
        ">" | ">=" | "<" | "<=" => 7,
        "+" | "-" => 10,
        "*" | "/" | "%" => 11,
        _ => return None,
    })
}

/// The operator or punctuation at the start of `rest`, the longest that matches.
fn operator(rest: &[u8]) -> Option<&'static str> {
    let second = rest.get(1).copied().unwrap_or(0);
    Some(match (rest.first()?, second) {
        (b':', b':') => "::",
        (b'.', b'?') => ".?",
        (b'?', b'?') => "??",
        (b'=', b'=') => "==",
        (b'!', b'=') => "!=",
        (b'=', b'~') => "=~",
        (b'!', b'~') => "!~",
        (b'>', b'=') => ">=",
        (b'<', b'=') => "<=",
        (b'&', b'&') => "&&",
        (b'|', b'|') => "||",
        (b'=', b'>') => "=>",
        (b'=', _) => "=",
        (b'!', _) => "!",
        (b'<', _) => "<",
        (b'>', _) => ">",
        (b'+', _) => "+",
        (b'-', _) => "-",
        (b'*', _) => "*",
        (b'/', _) => "/",
        (b'%', _) => "%",
        (b'?', _) => "?",
        (b':', _) => ":",
        (b'.', _) => ".",
        (b',', _) => ",",
        (b'(', _) => "(",
        (b')', _) => ")",
        (b'[', _) => "[",
        (b']', _) => "]",
        (b'{', _) => "{",
        (b'}', _) => "}",
        (b'@', _) => "@",
        (b'|', _) => "|",
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum T {
    Word,
    Number,
    Quote,
    TripleQuote,
    Op(&'static str),
    Eof,
    Bad,
}

/// A token, after the whitespace and comments before it.
#[derive(Clone, Copy, Debug)]
struct Tok {
    t: T,
    start: usize,
    end: usize,
    /// A line break lies between the previous token and this one.
    newline: bool,
    /// Comments lie between the previous token and this one.
    comments: bool,
}

impl Tok {
    /// A span of text the lexer did not read as a token: a part of a string, or where lexing
    /// failed (an unterminated block comment).
    fn span(start: usize, end: usize) -> Tok {
        Tok {
            t: T::Bad,
            start,
            end,
            newline: false,
            comments: false,
        }
    }
}

/// A node under construction: children are linked in order, ranges grow as they are added.
#[derive(Clone, Copy)]
struct Tmp {
    start: u32,
    end: u32,
    first: u32,
    last: u32,
    next: u32,
    kind: u16,
    field: u16,
    flags: u8,
}

type Id = u32;

/// The parts of a declaration after its keyword, in order.
#[derive(Clone, Copy)]
enum Part {
    /// The declared name.
    Name,
    /// A type (`param`, `output`).
    Type,
    /// A string (a resource's type, a module's path, the scope, the `using` target).
    Str,
    /// `=`.
    Assign,
    /// An expression.
    Value,
    /// `= expression`, optional (a parameter's default).
    Default,
    /// The optional `existing` keyword.
    Existing,
    /// A resource's or module's body.
    Body,
}

struct Parser<'s> {
    src: &'s [u8],
    text: &'s str,
    /// The end of the last token taken (string scanning moves it too).
    pos: usize,
    peeked: Option<Tok>,
    nodes: Vec<Tmp>,
    /// Comments in document order: start, end, kind.
    comments: Vec<(u32, u32, u16)>,
    s: &'static Symbols,
    depth: u32,
    /// Where the expression being parsed stands, for the tokens the grammar's lexer reads
    /// differently there.
    context: Context,
}

/// Where an expression stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Plain,
    /// An array element: a token may continue it or start the next element.
    Element,
    /// An object property's value: the next property's name may follow.
    Value,
}

/// Parses prepared Bicep text; `None` when tree-sitter should parse it instead (see the
/// module's documentation).
pub fn parse(text: &str) -> Option<SyntaxTree> {
    run(text).ok()
}

/// The tree, or the byte offset where the parser gave up.
fn run(text: &str) -> Result<SyntaxTree, usize> {
    let s = symbols().ok_or(0usize)?;
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        peeked: None,
        nodes: Vec::with_capacity(text.len() / 5),
        comments: Vec::new(),
        s,
        depth: 0,
        context: Context::Plain,
    };
    let root = p.node(s.named.infrastructure);
    loop {
        let t = p.peek();
        match t.t {
            T::Eof => break,
            T::Bad => return Err(t.start),
            _ => match p.statement() {
                Some(statement) => p.push(root, statement, 0),
                None => return Err(p.pos),
            },
        }
    }
    // The comments after the last statement.
    p.take();
    Ok(p.flatten(root))
}

impl<'s> Parser<'s> {
    // ---- lexing ----

    fn byte(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Skips whitespace and comments from `i`: where the next token starts, whether a line
    /// break and whether a comment came before it. `None`: an unterminated block comment.
    fn trivia(&self, mut i: usize) -> Option<(usize, bool, bool)> {
        let (mut newline, mut comments) = (false, false);
        loop {
            match self.byte(i) {
                b'\n' => {
                    newline = true;
                    i += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
                b'/' if self.byte(i + 1) == b'/' => {
                    comments = true;
                    i = self.line_comment_end(i)?;
                }
                b'/' if self.byte(i + 1) == b'*' => {
                    comments = true;
                    let close = self.text.get(i + 2..)?.find("*/")?;
                    newline |= self.src[i..i + 2 + close].contains(&b'\n');
                    i += close + 4;
                }
                b'#' => {
                    comments = true;
                    i = self.line_end(i);
                }
                _ => return Some((i, newline, comments)),
            }
        }
    }

    fn line_end(&self, i: usize) -> usize {
        self.src[i..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.src.len(), |n| i + n)
    }

    /// The end of a `//` comment: the line's end, where a backslash also takes the character
    /// after it (a line break included), as the grammar's comment token does. `None`: a
    /// backslash ends the text, which the grammar's token does not take.
    fn line_comment_end(&self, mut i: usize) -> Option<usize> {
        while i < self.src.len() {
            match self.src[i] {
                b'\n' => break,
                b'\\' if i + 1 == self.src.len() => return None,
                b'\\' => {
                    i += if self.byte(i + 1) == b'\r' && self.byte(i + 2) == b'\n' {
                        3
                    } else {
                        2
                    }
                }
                _ => i += 1,
            }
        }
        Some(i.min(self.src.len()))
    }

    /// The token at `i` (after trivia).
    fn lex(&self, i: usize) -> Tok {
        let Some((start, newline, comments)) = self.trivia(i) else {
            return Tok::span(i, i);
        };
        let tok = |t, end| Tok {
            t,
            start,
            end,
            newline,
            comments,
        };
        let c = self.byte(start);
        if start >= self.src.len() {
            return tok(T::Eof, start);
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let len = self.src[start..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .unwrap_or(self.src.len() - start);
            return tok(T::Word, start + len);
        }
        if c.is_ascii_digit() {
            let end = self.digits_end(start);
            return tok(T::Number, end);
        }
        if c == b'\'' {
            return if self.src[start..].starts_with(b"'''") {
                tok(T::TripleQuote, start + 3)
            } else {
                tok(T::Quote, start + 1)
            };
        }
        match operator(&self.src[start..]) {
            Some(op) => tok(T::Op(op), start + op.len()),
            None => tok(T::Bad, start),
        }
    }

    fn digits_end(&self, start: usize) -> usize {
        start
            + self.src[start..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(self.src.len() - start)
    }

    fn peek(&mut self) -> Tok {
        match self.peeked {
            Some(t) => t,
            None => {
                let t = self.lex(self.pos);
                self.peeked = Some(t);
                t
            }
        }
    }

    /// The token after the next one.
    fn peek2(&mut self) -> Tok {
        let next = self.peek();
        self.lex(next.end)
    }

    fn text_of(&self, t: Tok) -> &'s str {
        self.text.get(t.start..t.end).unwrap_or("")
    }

    fn is_op(&mut self, op: &str) -> bool {
        matches!(self.peek().t, T::Op(o) if o == op)
    }

    fn is_word(&mut self, word: &str) -> bool {
        let t = self.peek();
        t.t == T::Word && self.text_of(t) == word
    }

    /// Takes the next token, recording the comments before it.
    fn take(&mut self) -> Tok {
        let t = self.peek();
        if t.comments {
            self.record_comments(self.pos, t.start);
        }
        self.pos = t.end;
        self.peeked = None;
        t
    }

    fn record_comments(&mut self, mut i: usize, end: usize) {
        while i < end {
            let (kind, stop) = match (self.byte(i), self.byte(i + 1)) {
                (b'/', b'/') => (
                    self.s.named.comment,
                    self.line_comment_end(i).unwrap_or(end),
                ),
                (b'/', b'*') => {
                    let close = self
                        .text
                        .get(i + 2..)
                        .and_then(|r| r.find("*/"))
                        .map_or(end, |c| i + c + 4);
                    (self.s.named.comment, close)
                }
                (b'#', _) => (self.s.named.diagnostic_comment, self.line_end(i)),
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.comments.push((offset(i), offset(stop), kind));
            i = stop;
        }
    }

    // ---- building ----

    fn node(&mut self, kind: u16) -> Id {
        self.new_node(kind, NAMED, NONE, 0)
    }

    fn new_node(&mut self, kind: u16, flags: u8, start: u32, end: u32) -> Id {
        let id = offset(self.nodes.len());
        self.nodes.push(Tmp {
            start,
            end,
            first: NONE,
            last: NONE,
            next: NONE,
            kind,
            field: 0,
            flags,
        });
        id
    }

    fn leaf(&mut self, t: Tok, kind: u16, named: bool) -> Id {
        let flags = if named { NAMED } else { 0 };
        self.new_node(kind, flags, offset(t.start), offset(t.end))
    }

    /// Adds `child` as the last child of `parent`, in the grammar's `field` (0: none).
    fn push(&mut self, parent: Id, child: Id, field: u16) {
        let (cstart, cend) = {
            let c = &mut self.nodes[child as usize];
            c.field = field;
            (c.start, c.end)
        };
        let last = {
            let p = &mut self.nodes[parent as usize];
            if p.first == NONE {
                p.first = child;
                p.start = cstart;
            }
            p.end = cend;
            std::mem::replace(&mut p.last, child)
        };
        if last != NONE {
            self.nodes[last as usize].next = child;
        }
    }

    /// Takes the operator `op` as an anonymous leaf of `parent`.
    fn op(&mut self, parent: Id, op: &str, field: u16) -> Option<()> {
        if !self.is_op(op) {
            return None;
        }
        let t = self.take();
        let id = self.leaf(t, self.s.anon.op(op)?, false);
        self.push(parent, id, field);
        Some(())
    }

    /// Takes the keyword `word` as an anonymous leaf of `parent`.
    fn keyword(&mut self, parent: Id, word: &str, kind: u16) -> Option<()> {
        if !self.is_word(word) {
            return None;
        }
        let t = self.take();
        let id = self.leaf(t, kind, false);
        self.push(parent, id, 0);
        Some(())
    }

    /// A name: an identifier leaf.
    fn name(&mut self) -> Option<Id> {
        let t = self.peek();
        if t.t != T::Word || RESERVED.contains(&self.text_of(t)) {
            return None;
        }
        let t = self.take();
        Some(self.leaf(t, self.s.named.identifier, true))
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Runs `f` outside of an array element (inside brackets of its own).
    fn nested<R>(&mut self, f: impl FnOnce(&mut Self) -> Option<R>) -> Option<R> {
        self.enter()?;
        let saved = std::mem::replace(&mut self.context, Context::Plain);
        let out = f(self);
        self.context = saved;
        self.leave();
        out
    }

    // ---- statements ----

    fn statement(&mut self) -> Option<Id> {
        let t = self.peek();
        if t.t == T::Op("@") {
            return self.decorators();
        }
        if t.t != T::Word {
            return None;
        }
        let (n, a) = (&self.s.named, &self.s.anon);
        use Part::*;
        match self.text_of(t) {
            "param" => self.declaration(n.parameter_declaration, a.k_param, &[Name, Type, Default]),
            "var" => self.declaration(n.variable_declaration, a.k_var, &[Name, Assign, Value]),
            "metadata" => {
                self.declaration(n.metadata_declaration, a.k_metadata, &[Name, Assign, Value])
            }
            "output" => self.declaration(
                n.output_declaration,
                a.k_output,
                &[Name, Type, Assign, Value],
            ),
            "resource" => self.resource_declaration(),
            "module" => {
                self.declaration(n.module_declaration, a.k_module, &[Name, Str, Assign, Body])
            }
            "targetScope" => {
                self.declaration(n.target_scope_assignment, a.k_target_scope, &[Assign, Str])
            }
            "using" => self.declaration(n.using_statement, a.k_using, &[Str]),
            _ => None,
        }
    }

    /// A statement of `kind`: its leading keyword (the next token, of kind `keyword`), then
    /// `parts` in order.
    fn declaration(&mut self, kind: u16, keyword: u16, parts: &[Part]) -> Option<Id> {
        let node = self.node(kind);
        let t = self.take();
        let k = self.leaf(t, keyword, false);
        self.push(node, k, 0);
        for part in parts {
            let child = match part {
                Part::Name => self.name()?,
                Part::Type => self.type_()?,
                Part::Str => self.string()?,
                Part::Value => self.expression()?,
                Part::Body => self.body()?,
                Part::Assign => {
                    self.op(node, "=", 0)?;
                    continue;
                }
                Part::Default => {
                    if self.is_op("=") {
                        self.op(node, "=", 0)?;
                        let value = self.expression()?;
                        self.push(node, value, 0);
                    }
                    continue;
                }
                Part::Existing => {
                    if self.is_word("existing") {
                        self.keyword(node, "existing", self.s.anon.k_existing)?;
                    }
                    continue;
                }
            };
            self.push(node, child, 0);
        }
        Some(node)
    }

    /// `resource name 'type@version' [existing] = body`, at the top level or in a parent's body.
    fn resource_declaration(&mut self) -> Option<Id> {
        use Part::*;
        let (n, a) = (&self.s.named, &self.s.anon);
        if !self.is_word("resource") {
            return None;
        }
        self.declaration(
            n.resource_declaration,
            a.k_resource,
            &[Name, Str, Existing, Assign, Body],
        )
    }

    /// A resource's or module's body: an object, `if (...) {...}` or `[for ...]`.
    fn body(&mut self) -> Option<Id> {
        if self.is_word("if") {
            return self.if_statement();
        }
        if self.is_op("{") {
            return self.object();
        }
        let next = self.peek2();
        if self.is_op("[") && next.t == T::Word && self.text_of(next) == "for" {
            return self.for_statement();
        }
        None
    }

    /// `@call(...)` lines.
    fn decorators(&mut self) -> Option<Id> {
        let node = self.node(self.s.named.decorators);
        while self.is_op("@") {
            let decorator = self.node(self.s.named.decorator);
            self.op(decorator, "@", 0)?;
            let call = self.nested(|p| {
                let head = p.primary()?;
                p.postfix(head)
            })?;
            if self.nodes[call as usize].kind != self.s.named.call_expression {
                return None;
            }
            self.push(decorator, call, 0);
            self.push(node, decorator, 0);
        }
        Some(node)
    }

    /// A declared type after `prep`: a name and `[]` suffixes.
    fn type_(&mut self) -> Option<Id> {
        let t = self.peek();
        if t.t != T::Word {
            return None;
        }
        let inner = match self.s.anon.primitive(self.text_of(t)) {
            Some(keyword) => {
                let node = self.node(self.s.named.primitive_type);
                let t = self.take();
                let id = self.leaf(t, keyword, false);
                self.push(node, id, 0);
                node
            }
            None => self.name()?,
        };
        let mut ty = self.node(self.s.named.type_);
        self.push(ty, inner, 0);
        while self.is_op("[") && self.peek2().t == T::Op("]") {
            let array = self.node(self.s.named.array_type);
            self.push(array, ty, 0);
            self.op(array, "[", 0)?;
            self.op(array, "]", 0)?;
            ty = self.node(self.s.named.type_);
            self.push(ty, array, 0);
        }
        Some(ty)
    }

    // ---- expressions ----

    fn expression(&mut self) -> Option<Id> {
        self.enter()?;
        let out = self.lambda();
        self.leave();
        out
    }

    fn lambda(&mut self) -> Option<Id> {
        let head = self.ternary()?;
        if !self.is_op("=>") {
            return Some(head);
        }
        let kind = self.nodes[head as usize].kind;
        if kind != self.s.named.identifier && kind != self.s.named.parenthesized_expression {
            return None;
        }
        let node = self.node(self.s.named.lambda_expression);
        self.push(node, head, 0);
        self.op(node, "=>", 0)?;
        let body = self.expression()?;
        self.push(node, body, 0);
        Some(node)
    }

    fn ternary(&mut self) -> Option<Id> {
        let condition = self.binary(0)?;
        if !self.is_op("?") {
            return Some(condition);
        }
        let f = &self.s.fields;
        let node = self.node(self.s.named.ternary_expression);
        self.push(node, condition, f.condition);
        self.op(node, "?", 0)?;
        let consequence = self.expression()?;
        self.push(node, consequence, f.consequence);
        self.op(node, ":", 0)?;
        let alternative = self.expression()?;
        self.push(node, alternative, f.alternative);
        Some(node)
    }

    fn binary(&mut self, min: u8) -> Option<Id> {
        let mut left = self.unary()?;
        loop {
            let t = self.peek();
            let T::Op(op) = t.t else { break };
            let Some(precedence) = binary_precedence(op) else {
                break;
            };
            if precedence < min {
                break;
            }
            let in_element = self.context == Context::Element;
            if in_element && op == "-" && (t.newline || self.byte(t.end).is_ascii_digit()) {
                // A new element in the grammar (`[a\n-b]`, `[a -1]`)?
                return None;
            }
            let glued = self.byte(t.end);
            if op == "*"
                && self.context != Context::Plain
                && (glued.is_ascii_alphanumeric() || glued == b'_')
            {
                // The grammar's identifiers may start with `*`: where a new element or
                // property name may follow, its lexer reads `*2` as one (`[i*2]`).
                return None;
            }
            self.enter()?;
            let f = &self.s.fields;
            let (fl, fo, fr) = (f.left, f.operator, f.right);
            let node = self.node(self.s.named.binary_expression);
            self.push(node, left, fl);
            self.op(node, op, fo)?;
            let right = self.binary(precedence + 1);
            self.leave();
            self.push(node, right?, fr);
            left = node;
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Id> {
        let t = self.peek();
        let op = match t.t {
            T::Op("!") => "!",
            T::Op("-") if !self.byte(t.end).is_ascii_digit() => "-",
            _ => {
                let head = self.primary()?;
                return self.postfix(head);
            }
        };
        self.enter()?;
        let f = &self.s.fields;
        let (fo, fa) = (f.operator, f.argument);
        let node = self.node(self.s.named.unary_expression);
        self.op(node, op, fo)?;
        let argument = self.unary();
        self.leave();
        self.push(node, argument?, fa);
        Some(node)
    }

    /// Member access, indexing, calls and `::` after `head`.
    fn postfix(&mut self, mut head: Id) -> Option<Id> {
        loop {
            let t = self.peek();
            let T::Op(op) = t.t else { break };
            let f = &self.s.fields;
            let fobject = f.object;
            let node = match op {
                "." | ".?" => {
                    let fp = f.property;
                    let node = self.node(self.s.named.member_expression);
                    self.push(node, head, fobject);
                    self.op(node, op, 0)?;
                    let p = self.peek();
                    if p.t != T::Word {
                        return None;
                    }
                    let p = self.take();
                    let property = self.leaf(p, self.s.named.property_identifier, true);
                    self.push(node, property, fp);
                    node
                }
                "::" => {
                    let fr = f.resource;
                    let node = self.node(self.s.named.resource_expression);
                    self.push(node, head, fobject);
                    self.op(node, "::", 0)?;
                    let name = self.name()?;
                    self.push(node, name, fr);
                    node
                }
                "[" | "(" => {
                    // On a new line inside an array, a new element (as in Bicep; `prep` leaves
                    // a spread's operand there); apart from its operand on the same line, the
                    // grammar may read either; on a new line elsewhere, a syntax error.
                    let in_element = self.context == Context::Element;
                    if t.newline && in_element {
                        break;
                    }
                    if t.newline || (in_element && t.start > self.pos) {
                        return None;
                    }
                    if op == "[" {
                        let fi = f.index;
                        let node = self.node(self.s.named.subscript_expression);
                        self.push(node, head, fobject);
                        self.nested(|p| {
                            p.op(node, "[", 0)?;
                            if p.is_op("?") {
                                p.op(node, "?", 0)?;
                            }
                            let index = p.expression()?;
                            p.push(node, index, fi);
                            p.op(node, "]", 0)
                        })?;
                        node
                    } else {
                        let (ff, fa) = (f.function, f.arguments);
                        let node = self.node(self.s.named.call_expression);
                        self.push(node, head, ff);
                        let arguments = self.parenthesized(self.s.named.arguments)?;
                        self.push(node, arguments, fa);
                        node
                    }
                }
                _ => break,
            };
            head = node;
        }
        Some(head)
    }

    fn primary(&mut self) -> Option<Id> {
        let t = self.peek();
        let (n, a) = (&self.s.named, &self.s.anon);
        match t.t {
            T::Word => {
                let word = self.text_of(t);
                match word {
                    "true" | "false" => {
                        let node = self.node(n.boolean);
                        let kind = if word == "true" { a.k_true } else { a.k_false };
                        self.keyword(node, word, kind)?;
                        Some(node)
                    }
                    "null" => {
                        let t = self.take();
                        Some(self.leaf(t, n.null, true))
                    }
                    _ if a.primitive(word).is_some() && self.peek2().t != T::Op("(") => None,
                    _ => self.name(),
                }
            }
            T::Number => self.number(t.start),
            T::Op("-") if self.byte(t.end).is_ascii_digit() => self.number(t.start),
            T::Quote | T::TripleQuote => self.string(),
            T::Op("{") => self.object(),
            T::Op("[") => {
                let next = self.peek2();
                if next.t == T::Word && self.text_of(next) == "for" {
                    self.for_statement()
                } else {
                    self.array()
                }
            }
            T::Op("(") => self.parenthesized(n.parenthesized_expression),
            _ => None,
        }
    }

    /// `-?[0-9]+` from `start` (the next token's start).
    fn number(&mut self, start: usize) -> Option<Id> {
        let digits = if self.byte(start) == b'-' {
            start + 1
        } else {
            start
        };
        let end = self.digits_end(digits);
        let after = self.byte(end);
        if after.is_ascii_alphanumeric()
            || after == b'_'
            || (after == b'.' && self.byte(end + 1).is_ascii_digit())
        {
            return None;
        }
        let t = self.take();
        let t = Tok { end, ..t };
        self.pos = end;
        Some(self.leaf(t, self.s.named.number, true))
    }

    /// `( a, b )`: a parenthesized expression or a call's arguments.
    fn parenthesized(&mut self, kind: u16) -> Option<Id> {
        let node = self.node(kind);
        self.nested(|p| {
            p.op(node, "(", 0)?;
            if !p.is_op(")") {
                loop {
                    let e = p.expression()?;
                    p.push(node, e, 0);
                    if !p.is_op(",") {
                        break;
                    }
                    p.op(node, ",", 0)?;
                }
            }
            p.op(node, ")", 0)
        })?;
        Some(node)
    }

    fn object(&mut self) -> Option<Id> {
        let node = self.node(self.s.named.object);
        self.items(node, "{", "}", Self::property)?;
        Some(node)
    }

    /// `open`, items each after optional decorators and before an optional comma (which may
    /// not start the list or repeat), `close`: an object's or an array's body.
    fn items(
        &mut self,
        node: Id,
        open: &str,
        close: &str,
        item: fn(&mut Self) -> Option<Id>,
    ) -> Option<()> {
        self.nested(|p| {
            p.op(node, open, 0)?;
            let mut after_item = false;
            loop {
                if p.is_op(close) {
                    break;
                }
                if p.is_op(",") {
                    if !after_item {
                        return None;
                    }
                    p.op(node, ",", 0)?;
                    after_item = false;
                    continue;
                }
                if p.is_op("@") {
                    let decorators = p.decorators()?;
                    p.push(node, decorators, 0);
                }
                let id = item(p)?;
                p.push(node, id, 0);
                after_item = true;
            }
            p.op(node, close, 0)
        })
    }

    fn property(&mut self) -> Option<Id> {
        let node = self.node(self.s.named.object_property);
        let t = self.peek();
        match t.t {
            T::Word => {
                let next = self.peek2();
                if self.text_of(t) == "resource" && next.t == T::Word {
                    let resource = self.resource_declaration()?;
                    self.push(node, resource, 0);
                    return Some(node);
                }
                let t = self.take();
                let key = self.leaf(t, self.s.named.identifier, true);
                self.push(node, key, 0);
            }
            T::Quote | T::TripleQuote => {
                let key = self.string()?;
                self.push(node, key, 0);
            }
            _ => return None,
        }
        self.op(node, ":", 0)?;
        let t = self.peek();
        let primitive = (t.t == T::Word)
            .then(|| self.s.anon.primitive(self.text_of(t)))
            .flatten();
        let value = match primitive {
            Some(keyword) if self.peek2().t != T::Op("(") => {
                let ty = self.node(self.s.named.primitive_type);
                let t = self.take();
                let id = self.leaf(t, keyword, false);
                self.push(ty, id, 0);
                // A type is a whole value here (`{ a: string }`).
                if let T::Op(op) = self.peek().t
                    && op != "}"
                    && op != ","
                {
                    return None;
                }
                ty
            }
            _ => {
                self.context = Context::Value;
                let value = self.expression();
                self.context = Context::Plain;
                value?
            }
        };
        self.push(node, value, 0);
        Some(node)
    }

    fn array(&mut self) -> Option<Id> {
        let node = self.node(self.s.named.array);
        self.items(node, "[", "]", |p| {
            p.context = Context::Element;
            let element = p.expression();
            p.context = Context::Plain;
            element
        })?;
        Some(node)
    }

    fn for_statement(&mut self) -> Option<Id> {
        let (n, a, f) = (&self.s.named, &self.s.anon, &self.s.fields);
        let (k_for, k_in) = (a.k_for, a.k_in);
        let (finit, fbody) = (f.initializer, f.body);
        let (params_kind, variable, enumerator) =
            (n.for_loop_parameters, n.loop_variable, n.loop_enumerator);
        let node = self.node(n.for_statement);
        self.nested(|p| {
            p.op(node, "[", 0)?;
            p.keyword(node, "for", k_for)?;
            if p.is_op("(") {
                let params = p.node(params_kind);
                p.op(params, "(", 0)?;
                for (i, kind) in [variable, enumerator].into_iter().enumerate() {
                    if i == 1 {
                        p.op(params, ",", 0)?;
                    }
                    let t = p.peek();
                    if t.t != T::Word || RESERVED.contains(&p.text_of(t)) {
                        return None;
                    }
                    let t = p.take();
                    let id = p.leaf(t, kind, true);
                    p.push(params, id, 0);
                }
                p.op(params, ")", 0)?;
                p.push(node, params, 0);
            } else if !p.is_word("in") {
                let name = p.name()?;
                p.push(node, name, finit);
            }
            p.keyword(node, "in", k_in)?;
            let source = p.expression()?;
            p.push(node, source, 0);
            p.op(node, ":", 0)?;
            let body = if p.is_word("if") {
                p.if_statement()?
            } else {
                p.expression()?
            };
            p.push(node, body, fbody);
            p.op(node, "]", 0)
        })?;
        Some(node)
    }

    fn if_statement(&mut self) -> Option<Id> {
        let node = self.node(self.s.named.if_statement);
        self.keyword(node, "if", self.s.anon.k_if)?;
        if !self.is_op("(") {
            return None;
        }
        let condition = self.parenthesized(self.s.named.parenthesized_expression)?;
        self.push(node, condition, 0);
        let object = self.object()?;
        self.push(node, object, 0);
        Some(node)
    }

    // ---- strings ----

    fn string(&mut self) -> Option<Id> {
        let t = self.peek();
        match t.t {
            T::Quote => self.nested(|p| p.quoted_string()),
            T::TripleQuote => self.multiline_string(),
            _ => None,
        }
    }

    /// `'...'` with interpolations and escapes, scanned from the source bytes.
    fn quoted_string(&mut self) -> Option<Id> {
        let (n, a) = (&self.s.named, &self.s.anon);
        let (content, escape, interpolation) =
            (n.string_content, n.escape_sequence, n.interpolation);
        let (quote, open) = (a.quote, a.interpolation_start);
        let node = self.node(n.string);
        let t = self.take();
        let q = self.leaf(t, quote, false);
        self.push(node, q, 0);
        let mut i = self.pos;
        loop {
            // A run of whitespace starting a part of the string belongs to the token after it
            // in the grammar's lexer: `' '` is a quote and a quote spanning `" '"`, `' ${a}'`
            // an interpolation opened by `" ${"`; an escape sequence takes none (it is an
            // immediate token), so the run is content of its own before it.
            let ws = self.src[i..]
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
                .unwrap_or(self.src.len() - i);
            let next = i + ws;
            match self.byte(next) {
                _ if next >= self.src.len() => return None,
                b'\'' => {
                    let q = self.leaf(Tok::span(i, next + 1), quote, false);
                    self.push(node, q, 0);
                    self.pos = next + 1;
                    self.peeked = None;
                    return Some(node);
                }
                b'\\' if ws > 0 => {
                    let c = self.leaf(Tok::span(i, next), content, true);
                    self.push(node, c, 0);
                    i = next;
                }
                b'\\' => {
                    let len = match self.byte(i + 1) {
                        b'\'' | b'\\' | b'n' | b'r' | b't' => 2,
                        // The grammar's hidden escape token: no node.
                        b'$' => {
                            i += 2;
                            continue;
                        }
                        b'u' if self.byte(i + 2) == b'{' => {
                            let hex = self.src[i + 3..]
                                .iter()
                                .position(|b| !b.is_ascii_hexdigit())
                                .unwrap_or(0);
                            if hex == 0 || self.byte(i + 3 + hex) != b'}' {
                                return None;
                            }
                            hex + 4
                        }
                        _ => return None,
                    };
                    let e = self.leaf(Tok::span(i, i + len), escape, true);
                    self.push(node, e, 0);
                    i += len;
                }
                b'$' if self.byte(next + 1) == b'{' => {
                    let part = self.node(interpolation);
                    let o = self.leaf(Tok::span(i, next + 2), open, false);
                    self.push(part, o, 0);
                    self.pos = next + 2;
                    self.peeked = None;
                    let e = self.expression()?;
                    self.push(part, e, 0);
                    self.op(part, "}", 0)?;
                    self.push(node, part, 0);
                    i = self.pos;
                }
                // `$` and `#` starting a token are strings of their own in the grammar.
                b'$' | b'#' => {
                    let c = self.leaf(Tok::span(i, next + 1), content, true);
                    self.push(node, c, 0);
                    i = next + 1;
                }
                // The grammar's lexer reads a comment here (`prep` rewrites such slashes).
                b'/' if matches!(self.byte(next + 1), b'/' | b'*') => return None,
                _ => {
                    let len = self.src[i..]
                        .iter()
                        .position(|b| matches!(b, b'\'' | b'$' | b'\\'))
                        .unwrap_or(self.src.len() - i);
                    let c = self.leaf(Tok::span(i, i + len), content, true);
                    self.push(node, c, 0);
                    i += len;
                }
            }
        }
    }

    /// `'''...'''`: no escapes, no interpolation.
    fn multiline_string(&mut self) -> Option<Id> {
        let (content, triple) = (self.s.named.string_content, self.s.anon.triple_quote);
        let node = self.node(self.s.named.string);
        let t = self.take();
        let open = self.leaf(t, triple, false);
        self.push(node, open, 0);
        let start = t.end;
        let length = self.text.get(start..)?.find("'''")?;
        // Empty content, or quotes around the delimiters: the grammar's scanner splits these
        // its own way.
        if length == 0 || self.byte(start) == b'\'' || self.byte(start + length + 3) == b'\'' {
            return None;
        }
        let c = self.leaf(Tok::span(start, start + length), content, true);
        self.push(node, c, 0);
        let close = self.leaf(Tok::span(start + length, start + length + 3), triple, false);
        self.push(node, close, 0);
        self.pos = start + length + 3;
        self.peeked = None;
        Some(node)
    }

    // ---- the tree ----

    /// Lays the nodes out in document order, with the comments inside the smallest node that
    /// spans them (the root for those outside every statement), as tree-sitter places extras.
    fn flatten(mut self, root: Id) -> SyntaxTree {
        let total = self.nodes.len() + self.comments.len();
        let mut entries: Vec<Entry> = Vec::with_capacity(total);
        // The root spans from the first token or comment to the end of the text.
        {
            let first_comment = self.comments.first().map(|c| c.0);
            let r = &mut self.nodes[root as usize];
            let len = offset(self.src.len());
            r.start = match (r.first, first_comment) {
                (NONE, None) => len,
                (NONE, Some(c)) => c,
                (_, Some(c)) => c.min(r.start),
                (_, None) => r.start,
            };
            r.end = len;
        }
        let entry = |n: &Tmp| Entry {
            start: n.start,
            end: n.end,
            next_sibling: NONE,
            kind: n.kind,
            field: field_id(n.field),
            flags: n.flags,
        };
        // (node, its entry, next child to lay out, the entry of the last child laid out)
        let mut stack: Vec<(Id, u32, Id, u32)> = Vec::new();
        let mut comments = self.comments.iter().peekable();
        let root_node = self.nodes[root as usize];
        entries.push(entry(&root_node));
        stack.push((root, 0, root_node.first, NONE));
        // A first child is the entry right after its parent (document order).
        let link = |entries: &mut Vec<Entry>, parent: u32, previous: u32, index: u32| {
            if previous == NONE {
                entries[parent as usize].flags |= HAS_CHILDREN;
            } else {
                entries[previous as usize].next_sibling = index;
            }
        };
        while let Some(frame) = stack.last_mut() {
            let (_, at, child, previous) = *frame;
            let bound = if child == NONE {
                // Only the root keeps the comments after its last child.
                if stack.len() > 1 {
                    stack.pop();
                    continue;
                }
                u32::MAX
            } else {
                self.nodes[child as usize].start
            };
            let mut previous = previous;
            while let Some(&&(start, end, kind)) = comments.peek() {
                if start >= bound {
                    break;
                }
                comments.next();
                let index = offset(entries.len());
                entries.push(Entry {
                    start,
                    end,
                    next_sibling: NONE,
                    kind,
                    field: 0,
                    flags: NAMED,
                });
                link(&mut entries, at, previous, index);
                previous = index;
            }
            if child == NONE {
                break;
            }
            let node = self.nodes[child as usize];
            let index = offset(entries.len());
            entries.push(entry(&node));
            link(&mut entries, at, previous, index);
            if let Some(frame) = stack.last_mut() {
                frame.2 = node.next;
                frame.3 = index;
            }
            stack.push((child, index, node.first, NONE));
        }
        SyntaxTree::from_entries(entries)
    }
}

#[cfg(test)]
mod tests;
