//! The ARM template expression language: a JSON string `"[...]"` is an expression (and
//! `"[[...]"` a literal string starting with `[`). An expression is a function call, a string
//! literal (`'it''s'`), a number, or one of those followed by `.property` and `[index]`
//! accesses: `parameters('tags').owner`, `variables('subnets')[copyIndex()].name`.

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// A function call; the name as written (`concat`, `__bicep.myFunc`).
    Call(String, Vec<Expr>),
    /// `.name` access.
    Prop(Box<Expr>, String),
    /// `[index]` access.
    Index(Box<Expr>, Box<Expr>),
}

/// A syntax error and the character offset (in the expression text) where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// What a JSON string stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Template<'a> {
    /// A plain string (with a leading `[[` turned into `[`).
    Literal(std::borrow::Cow<'a, str>),
    /// The text between the outer brackets of an expression.
    Expression(&'a str),
}

/// Classifies a JSON string value.
pub fn classify(s: &str) -> Template<'_> {
    if let Some(rest) = s.strip_prefix("[[") {
        return Template::Literal(format!("[{rest}").into());
    }
    match s
        .strip_prefix('[')
        .and_then(|r| r.trim_end().strip_suffix(']'))
    {
        Some(inner) if s.trim_end().ends_with(']') => Template::Expression(inner),
        _ => Template::Literal(s.into()),
    }
}

/// Deepest nesting of calls and accesses accepted (deeper expressions are errors, so that
/// evaluation cannot exhaust the stack).
const MAX_DEPTH: usize = 128;

/// Parses the text of an expression (without its brackets).
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let mut p = Parser {
        chars: text.char_indices().collect(),
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text after the expression"));
    }
    Ok(e)
}

struct Parser {
    chars: Vec<(usize, char)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        let mut e = self.primary()?;
        loop {
            if self.eat('.') {
                self.skip_ws();
                let name = self.word();
                if name.is_empty() {
                    return Err(self.error("expected a property name after '.'"));
                }
                e = Expr::Prop(Box::new(e), name);
            } else if self.eat('[') {
                let index = self.expr()?;
                if !self.eat(']') {
                    return Err(self.error("expected ']'"));
                }
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(e)
    }

    fn word(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '$' {
                s.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        s
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.error("expected an expression")),
            Some('\'') => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.error("unterminated string literal")),
                        Some('\'') if self.chars.get(self.pos + 1).map(|c| c.1) == Some('\'') => {
                            s.push('\'');
                            self.pos += 2;
                        }
                        Some('\'') => {
                            self.pos += 1;
                            return Ok(Expr::Str(s));
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                let mut s = String::new();
                s.push(c);
                self.pos += 1;
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || c == '.' {
                        s.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                s.parse()
                    .map(Expr::Num)
                    .map_err(|_| self.error("malformed number"))
            }
            Some(c) if c.is_alphabetic() || c == '_' || c == '$' => {
                // A function name, possibly namespaced (`__bicep.fn`).
                let mut name = self.word();
                loop {
                    let save = self.pos;
                    if self.peek() == Some('.') {
                        self.pos += 1;
                        let part = self.word();
                        self.skip_ws();
                        if !part.is_empty() && self.peek() == Some('(') {
                            name.push('.');
                            name.push_str(&part);
                            continue;
                        }
                        if !part.is_empty() && self.peek() == Some('.') {
                            // `ns.sub.fn(`: keep looking.
                            name.push('.');
                            name.push_str(&part);
                            continue;
                        }
                    }
                    self.pos = save;
                    break;
                }
                if !self.eat('(') {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Expr::Bool(true)),
                        "false" => Ok(Expr::Bool(false)),
                        "null" => Ok(Expr::Null),
                        _ => Err(self.error("expected '(' after a function name")),
                    };
                }
                let mut args = Vec::new();
                if !self.eat(')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(')') {
                            break;
                        }
                        if !self.eat(',') {
                            return Err(self.error("expected ',' or ')' in the argument list"));
                        }
                    }
                }
                Ok(Expr::Call(name, args))
            }
            Some(_) => Err(self.error("unexpected character")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Expr>) -> Expr {
        Expr::Call(name.into(), args)
    }

    #[test]
    fn classifies_strings() {
        assert_eq!(
            classify("[concat('a')]"),
            Template::Expression("concat('a')")
        );
        assert_eq!(classify("[[not]"), Template::Literal("[not]".into()));
        assert_eq!(classify("plain"), Template::Literal("plain".into()));
        assert_eq!(classify("[unclosed"), Template::Literal("[unclosed".into()));
    }

    #[test]
    fn parses_calls_literals_and_accesses() {
        assert_eq!(
            parse("concat('it''s', parameters('x').a[0], -1.5)").unwrap(),
            call(
                "concat",
                vec![
                    Expr::Str("it's".into()),
                    Expr::Index(
                        Box::new(Expr::Prop(
                            Box::new(call("parameters", vec![Expr::Str("x".into())])),
                            "a".into()
                        )),
                        Box::new(Expr::Num(0.0))
                    ),
                    Expr::Num(-1.5),
                ]
            )
        );
        assert_eq!(
            parse("__bicep.fn( 1 ).out").unwrap(),
            Expr::Prop(
                Box::new(call("__bicep.fn", vec![Expr::Num(1.0)])),
                "out".into()
            )
        );
        assert_eq!(
            parse("resourceGroup().location").unwrap(),
            Expr::Prop(Box::new(call("resourceGroup", vec![])), "location".into())
        );
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parse("concat('a'").is_err());
        assert!(parse("concat('a') x").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("foo").is_err());
        assert!(parse(&"f(".repeat(200)).is_err());
    }
}
