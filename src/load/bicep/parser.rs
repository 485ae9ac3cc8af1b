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

mod expr;
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
