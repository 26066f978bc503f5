// Parser of the loket rule language. The reference is docs/language.md.
// src/syntax/ turns this parse tree into loket's own AST at once; nothing else sees it.
parser grammar LoketParser;

options { tokenVocab = LoketLexer; }

// A file names its layer first, then declares.
file
    : layerHeader declaration* EOF
    ;

// `layer national "Nederland"`
// `layer municipality westland "Gemeente Westland" under haaglanden code GM1783`
// `layer westland` (a further file of a layer declared elsewhere)
layerHeader
    : LAYER kind=ID? name=ID title=STRING? (UNDER parent=ID)? (CODE code=ID)? validity?
    ;

declaration
    : enumDecl
    | authorityDecl
    | lawDecl
    | domainDecl
    | factDecl
    | paramDecl
    | letDecl
    | assumeDecl
    | decisionDecl
    | ruleDecl
    | SEMI
    ;

enumDecl
    : ENUM name=ID description=STRING? LBRACE enumMember (COMMA enumMember)* COMMA? RBRACE
    ;
enumMember
    : ID STRING?
    ;

authorityDecl
    : AUTHORITY name=ID description=STRING?
    ;

// `law wi2021 "Wet inburgering 2021" bwb BWBR0044770`: a source rules cite by name. The
// register (`bwb`, `cvdr`) is a plain identifier that sema checks, so it reserves no word.
lawDecl
    : LAW name=ID title=STRING (registry=ID identifier=ID)?
    ;

// A domain groups decisions for the one-desk view; it may be reopened in lower layers.
domainDecl
    : DOMAIN name=ID title=STRING? LBRACE decisionDecl* RBRACE
    ;

factDecl
    : FACT name=ID COLON typeRef factModifier* description=STRING?
    ;
factModifier
    : OPTIONAL
    | PROTECTED
    ;

paramDecl
    : PARAM name=ID COLON typeRef paramValue+ description=STRING?
    ;
paramValue
    : ASSIGN expr (FROM from=DATE)?
    ;

letDecl
    : LET name=ID (COLON typeRef)? ASSIGN expr description=STRING?
    ;

// `assume eu_workers_are_eu: category == eu_worker implies ...`
assumeDecl
    : ASSUME (name=ID COLON)? expr description=STRING?
    ;

decisionDecl
    : DECISION name=ID COLON typeRef decisionModifier* description=STRING?
    ;
decisionModifier
    : DEFAULT expr                                                  # defaultModifier
    | COLLECT                                                       # collectModifier
    | DELEGATED TO kind=ID (WITHIN bound=boundSpec)? (FAVOURS favours=favourDirection)?  # delegatedModifier
    | CLOSED                                                        # closedModifier
    | OWNED BY authority=ID                                         # ownedModifier
    | APPLIES WHEN expr                                             # appliesModifier
    ;
boundSpec
    : setLiteral
    | lo=expr DOTDOT hi=expr
    ;
favourDirection
    : ID | TRUE | FALSE
    ;

ruleDecl
    : RULE ruleId (citation=STRING | citationList) ruleClause* thenClause
    ;
// `[wi2021 art 3 lid 2 sub c; besluit_wi2021 art 2.2 "remark"; "a council decision"]`: each
// entry a declared law with an article reference (its words and numbers are read by sema,
// which reports a malformed one) or free text.
citationList
    : LBRACK citationEntry (SEMI citationEntry)* SEMI? RBRACK
    ;
citationEntry
    : text=STRING                                                   # freeCitation
    | law=ID articleToken* remark=STRING?                           # lawCitation
    ;
articleToken
    : ID | INT | DOT | COLON | MINUS
    ;
ruleId
    : ID (DOT ID)*
    ;
ruleClause
    : NOTE STRING                                                   # noteClause
    | validity                                                      # validityClause
    | EXCEPTION TO ruleId                                           # exceptionClause
    | WHEN expr                                                     # whenClause
    ;
validity
    : VALID FROM from=DATE (UNTIL until=DATE)?
    | VALID UNTIL until=DATE
    ;
thenClause
    : THEN assignment (COMMA? assignment)*
    ;
assignment
    : name=ID op=(ASSIGN | PLUSEQ) expr
    ;

// Types: bool, int, money, date, an enum name, `set of Enum`; int and money take a range.
typeRef
    : SET OF elem=ID                                                # setType
    | name=ID (IN lo=signedLiteral DOTDOT hi=signedLiteral)?        # namedType
    ;
signedLiteral
    : MINUS? (INT | MONEY)
    | DATE
    ;

// ANTLR gives earlier alternatives higher precedence, so tightest first:
// unary minus, * /, + -, comparison and `in`, not, and, or, implies (right), if-then-else.
expr
    : primary                                                       # primaryExpr
    | MINUS operand=expr                                            # negExpr
    | lhs=expr op=(STAR | SLASH) rhs=expr                           # mulExpr
    | lhs=expr op=(PLUS | MINUS) rhs=expr                           # addExpr
    | lhs=expr op=(EQEQ | NEQ | LT | LE | GT | GE) rhs=expr          # compareExpr
    | lhs=expr NOT? IN lo=rangeBound DOTDOT hi=rangeBound           # inRangeExpr
    | lhs=expr NOT? IN rhs=expr                                     # inExpr
    | NOT operand=expr                                              # notExpr
    | lhs=expr AND rhs=expr                                         # andExpr
    | lhs=expr OR rhs=expr                                          # orExpr
    | <assoc=right> lhs=expr IMPLIES rhs=expr                       # impliesExpr
    | IF cond=expr THEN yes=expr ELSE no=expr                       # ifExpr
    ;

primary
    : LPAREN expr RPAREN                                            # parenPrimary
    | INT unit=UNIT                                                 # durationPrimary
    | INT                                                           # intPrimary
    | MONEY                                                         # moneyPrimary
    | DATE                                                          # datePrimary
    | (TRUE | FALSE)                                                # boolPrimary
    | setLiteral                                                    # setPrimary
    | KNOWN LPAREN ID RPAREN                                        # knownPrimary
    | callee=ID LPAREN (expr (COMMA expr)*)? RPAREN                 # callPrimary
    | ID                                                            # namePrimary
    ;
setLiteral
    : LBRACE (expr (COMMA expr)* COMMA?)? RBRACE
    ;
// A bound of `x in lo..hi`: a (negated) primary, so `a in 1..2 and b` cannot read as
// `a in (1..2 and b)` or `{x} and ...` as a lower bound; wrap arithmetic in parentheses.
rangeBound
    : MINUS? primary
    ;
