//! Expressions of the Bicep parser: operators by precedence, postfix chains, literals,
//! objects, arrays, comprehensions (`for`, `if`) and strings. Statements, the lexer and the
//! tree are in the parent module.

use super::*;

impl<'s> Parser<'s> {
    pub(super) fn expression(&mut self) -> Option<Id> {
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
    pub(super) fn postfix(&mut self, mut head: Id) -> Option<Id> {
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

    pub(super) fn primary(&mut self) -> Option<Id> {
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

    pub(super) fn object(&mut self) -> Option<Id> {
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

    pub(super) fn for_statement(&mut self) -> Option<Id> {
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

    pub(super) fn if_statement(&mut self) -> Option<Id> {
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

    pub(super) fn string(&mut self) -> Option<Id> {
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
}
