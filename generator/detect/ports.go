package detect

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"net"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// parsedFile is a file parsed in full because it may listen, register a
// route or declare a value a listen address is built from.
type parsedFile struct {
	rel  string
	fset *token.FileSet
	ast  *ast.File
}

func parseFull(rel string, data []byte) *parsedFile {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, data, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	return &parsedFile{rel: rel, fset: fset, ast: f}
}

// pkgSyntax indexes one package's parsed files for tracing values: its
// package-level consts and vars, functions, and flag bindings.
type pkgSyntax struct {
	files []*parsedFile
	decls map[string]declSite
	funcs map[string]funcSite
	// flagVars maps the target of a flag.XVar(&target, …) call, written
	// as Go ("port", "opts.Addr"), to the call that sets its default.
	flagVars map[string]callSite
	// locals caches each function's assignments by variable name.
	locals map[*ast.FuncDecl]map[string][]ast.Expr
}

type declSite struct {
	expr ast.Expr
	file *parsedFile
}

type funcSite struct {
	decl *ast.FuncDecl
	file *parsedFile
}

type callSite struct {
	call *ast.CallExpr
	file *parsedFile
}

func newPkgSyntax(files []*parsedFile) *pkgSyntax {
	ps := &pkgSyntax{files: files, decls: map[string]declSite{}, funcs: map[string]funcSite{}, flagVars: map[string]callSite{}, locals: map[*ast.FuncDecl]map[string][]ast.Expr{}}
	for _, pf := range files {
		for _, d := range pf.ast.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					ps.funcs[d.Name.Name] = funcSite{d, pf}
				}
			case *ast.GenDecl:
				if d.Tok != token.CONST && d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) && len(vs.Names) == len(vs.Values) {
							ps.decls[name.Name] = declSite{vs.Values[i], pf}
						}
					}
				}
			}
		}
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isFlagCall(call) || len(call.Args) == 0 {
				return true
			}
			if u, ok := call.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
				ps.flagVars[types.ExprString(u.X)] = callSite{call, pf}
			}
			return true
		})
	}
	return ps
}

// localAssignments returns every value assigned to each local variable of
// fn (:=, =, var), in source order. Order and shadowing are ignored: every
// value a variable may hold is a candidate.
func (ps *pkgSyntax) localAssignments(fn *ast.FuncDecl) map[string][]ast.Expr {
	if m, ok := ps.locals[fn]; ok {
		return m
	}
	m := map[string][]ast.Expr{}
	if fn.Body != nil {
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) != len(n.Rhs) {
					return true
				}
				for i, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok {
						m[id.Name] = append(m[id.Name], n.Rhs[i])
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) {
					for i, id := range n.Names {
						m[id.Name] = append(m[id.Name], n.Values[i])
					}
				}
			}
			return true
		})
	}
	ps.locals[fn] = m
	return m
}

// value is one string an expression may evaluate to, with the steps that
// led to it: from the use back to the literal.
type value struct {
	s     string
	steps []Evidence
}

// tracer evaluates expressions to the strings they may hold, without type
// checking: literals, consts and vars, concatenation, fmt.Sprintf,
// net.JoinHostPort, strconv.Itoa, cmp.Or, flag defaults and the program's
// own small functions, with their parameters bound to the call's values.
type tracer struct {
	// pkgOf returns the syntax of the module package a file imports under
	// name, or nil.
	pkgOf func(pf *parsedFile, name string) *pkgSyntax
	// budget bounds the evaluations for one listen site or route: a
	// variable assigned in many places, each from itself, would otherwise
	// branch exponentially.
	budget int
}

// evalBudget is how many expressions one site may evaluate.
const evalBudget = 2000

// scope is where an expression is evaluated.
type scope struct {
	ps     *pkgSyntax
	file   *parsedFile
	fn     *ast.FuncDecl      // enclosing function; nil at package level
	params map[string][]value // parameters bound by a traced call
	depth  int
}

const maxTraceDepth = 6
const maxValues = 16

func (sc scope) step(n ast.Node, what string) Evidence {
	return Evidence{File: sc.file.rel, Line: sc.file.fset.Position(n.Pos()).Line, What: what}
}

func withStep(vs []value, e Evidence) []value {
	out := make([]value, len(vs))
	for i, v := range vs {
		out[i] = value{s: v.s, steps: append([]Evidence{e}, v.steps...)}
	}
	return out
}

func (t *tracer) eval(sc scope, e ast.Expr) []value {
	if sc.depth > maxTraceDepth || t.budget <= 0 {
		return nil
	}
	t.budget--
	sc.depth++
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			if s, err := strconv.Unquote(e.Value); err == nil {
				return []value{{s: s, steps: []Evidence{sc.step(e, e.Value)}}}
			}
		case token.INT:
			if n, err := strconv.ParseInt(e.Value, 0, 64); err == nil {
				return []value{{s: strconv.FormatInt(n, 10), steps: []Evidence{sc.step(e, e.Value)}}}
			}
		}
	case *ast.ParenExpr:
		return t.eval(sc, e.X)
	case *ast.StarExpr:
		return t.eval(sc, e.X)
	case *ast.Ident:
		return t.ident(sc, e)
	case *ast.SelectorExpr:
		if site, ok := sc.ps.flagVars[types.ExprString(e)]; ok {
			return withStep(t.flagDefault(scope{ps: sc.ps, file: site.file, depth: sc.depth}, site.call), sc.step(site.call, "flag "+types.ExprString(site.call.Fun)))
		}
		if x, ok := e.X.(*ast.Ident); ok {
			if other := t.pkgOf(sc.file, x.Name); other != nil {
				if d, ok := other.decls[e.Sel.Name]; ok {
					return withStep(t.eval(scope{ps: other, file: d.file, depth: sc.depth}, d.expr), sc.step(e, types.ExprString(e)))
				}
			}
		}
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return nil
		}
		left, right := t.eval(sc, e.X), t.eval(sc, e.Y)
		var out []value
		for _, l := range left {
			for _, r := range right {
				if len(out) < maxValues {
					out = append(out, value{s: l.s + r.s, steps: append(append([]Evidence{}, l.steps...), r.steps...)})
				}
			}
		}
		return out
	case *ast.CallExpr:
		return t.call(sc, e)
	}
	return nil
}

func (t *tracer) ident(sc scope, id *ast.Ident) []value {
	if vs, ok := sc.params[id.Name]; ok {
		return vs
	}
	if site, ok := sc.ps.flagVars[id.Name]; ok {
		return withStep(t.flagDefault(scope{ps: sc.ps, file: site.file, depth: sc.depth}, site.call), sc.step(site.call, "flag "+types.ExprString(site.call.Fun)))
	}
	var out []value
	if sc.fn != nil {
		if rhs, ok := sc.ps.localAssignments(sc.fn)[id.Name]; ok {
			for _, r := range rhs {
				out = append(out, withStep(t.eval(sc, r), sc.step(r, id.Name+" = "+types.ExprString(r)))...)
			}
		} else if isParam(sc.fn, id.Name) {
			return nil // a parameter no traced call has bound
		}
	}
	// A package var assigned in the function (`port = p` when $PORT is
	// set) keeps its declared value otherwise: both are candidates.
	if d, ok := sc.ps.decls[id.Name]; ok {
		return append(out, withStep(t.eval(scope{ps: sc.ps, file: d.file, depth: sc.depth}, d.expr), sc.step(d.expr, id.Name+" = "+types.ExprString(d.expr)))...)
	}
	return out
}

func isParam(fn *ast.FuncDecl, name string) bool {
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}

// call evaluates the calls that build addresses, flag constructors, and
// the program's own functions.
func (t *tracer) call(sc scope, call *ast.CallExpr) []value {
	pkg, name := "", ""
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		name = fun.Sel.Name
		if x, ok := fun.X.(*ast.Ident); ok {
			pkg = x.Name
		}
	case *ast.Ident:
		name = fun.Name
	}
	arg := func(i int) []value {
		if i < len(call.Args) {
			return t.eval(sc, call.Args[i])
		}
		return nil
	}
	switch {
	case isFlagCall(call):
		return t.flagDefault(sc, call)
	case pkg == "strconv" && (name == "Itoa" || name == "FormatInt" || name == "FormatUint"),
		pkg == "fmt" && name == "Sprint":
		return arg(0)
	case pkg == "cmp" && name == "Or":
		var out []value
		for i := range call.Args {
			out = append(out, arg(i)...)
		}
		return out
	case pkg == "net" && name == "JoinHostPort" && len(call.Args) == 2:
		hosts := arg(0)
		if len(hosts) == 0 {
			hosts = []value{{}} // a host from the environment: the port still counts
		}
		var out []value
		for _, h := range hosts {
			for _, p := range arg(1) {
				out = append(out, value{s: net.JoinHostPort(h.s, p.s), steps: append(append([]Evidence{}, h.steps...), p.steps...)})
			}
		}
		return out
	case pkg == "fmt" && name == "Sprintf" && len(call.Args) >= 1:
		return t.sprintf(sc, call)
	case pkg == "":
		if f, ok := sc.ps.funcs[name]; ok {
			return t.helper(sc, sc.ps, f, call)
		}
	default:
		if other := t.pkgOf(sc.file, pkg); other != nil {
			if f, ok := other.funcs[name]; ok {
				return t.helper(sc, other, f, call)
			}
		}
	}
	return nil
}

// helper evaluates a call to one of the program's functions: what its
// return statements may yield, with its parameters bound to the call's
// argument values. getEnv("PORT", "8080") yields "8080" (and, unknowably,
// the variable's value).
func (t *tracer) helper(sc scope, ps *pkgSyntax, f funcSite, call *ast.CallExpr) []value {
	fn := f.decl
	if fn.Body == nil || fn.Type.Results == nil {
		return nil
	}
	params := map[string][]value{}
	i := 0
	for _, field := range fn.Type.Params.List {
		for _, n := range field.Names {
			if i < len(call.Args) {
				params[n.Name] = t.eval(sc, call.Args[i])
			}
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	inner := scope{ps: ps, file: f.file, fn: fn, params: params, depth: sc.depth + 1}
	var out []value
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false // a closure's returns are not this function's
		}
		if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) >= 1 {
			out = append(out, withStep(t.eval(inner, r.Results[0]), inner.step(r, "return "+types.ExprString(r.Results[0])))...)
		}
		return true
	})
	return withStep(out, sc.step(call, types.ExprString(call)))
}

// sprintf formats %s, %d and %v verbs with the arguments' values.
func (t *tracer) sprintf(sc scope, call *ast.CallExpr) []value {
	formats := t.eval(sc, call.Args[0])
	var out []value
	for _, f := range formats {
		results := []value{{steps: f.steps}}
		argIdx := 1
		format := f.s
		for len(format) > 0 && len(results) > 0 {
			i := strings.IndexByte(format, '%')
			if i < 0 {
				for k := range results {
					results[k].s += format
				}
				break
			}
			lit := format[:i]
			if i+1 >= len(format) {
				return out
			}
			verb := format[i+1]
			format = format[i+2:]
			if verb == '%' {
				for k := range results {
					results[k].s += lit + "%"
				}
				continue
			}
			if verb != 's' && verb != 'd' && verb != 'v' || argIdx >= len(call.Args) {
				results = nil
				break
			}
			args := t.eval(sc, call.Args[argIdx])
			argIdx++
			var next []value
			for _, r := range results {
				for _, a := range args {
					if len(next) < maxValues {
						next = append(next, value{s: r.s + lit + a.s, steps: append(append([]Evidence{}, r.steps...), a.steps...)})
					}
				}
			}
			results = next
		}
		out = append(out, results...)
	}
	return out
}

// flagDefaultIndex returns which argument of a flag constructor is the
// default: String(name, def), StringVar(&v, name, def), StringP(name,
// short, def), StringVarP(&v, name, short, def).
func flagDefaultIndex(name string) int {
	i := 1
	if strings.HasSuffix(name, "VarP") || strings.HasSuffix(name, "Var") {
		i++
	}
	if strings.HasSuffix(name, "P") {
		i++
	}
	return i
}

func (t *tracer) flagDefault(sc scope, call *ast.CallExpr) []value {
	i := flagDefaultIndex(calleeName(call.Fun))
	if i >= len(call.Args) {
		return nil
	}
	return t.eval(sc, call.Args[i])
}

// flagName returns the name a flag constructor registers.
func flagName(call *ast.CallExpr) (string, bool) {
	i := 0
	if strings.Contains(calleeName(call.Fun), "Var") {
		i = 1
	}
	if i >= len(call.Args) {
		return "", false
	}
	return stringLit(call.Args[i])
}

// flagFuncs are flag/pflag constructors of values that may hold a port.
var flagFuncs = map[string]bool{
	"String": true, "StringVar": true, "StringP": true, "StringVarP": true,
	"Int": true, "IntVar": true, "IntP": true, "IntVarP": true,
	"Uint": true, "UintVar": true, "UintP": true, "UintVarP": true,
	"Uint16": true, "Uint16Var": true, "Uint16P": true, "Uint16VarP": true,
}

// isFlagCall reports whether call is flag.X, pflag.X, a FlagSet's method
// (fs.X, flags.X) or cobra's cmd.Flags().X / cmd.PersistentFlags().X.
func isFlagCall(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !flagFuncs[sel.Sel.Name] {
		return false
	}
	switch x := sel.X.(type) {
	case *ast.Ident:
		n := strings.ToLower(x.Name)
		return n == "flag" || n == "pflag" || strings.Contains(n, "flags") || n == "fs"
	case *ast.CallExpr:
		n := calleeName(x.Fun)
		return n == "Flags" || n == "PersistentFlags" || n == "LocalFlags"
	}
	return false
}

// listenAddrArg returns which argument of a call is a listen address, or
// -1: net.Listen("tcp", addr), http.ListenAndServe(addr, h), gin's
// r.Run(addr), echo's e.Start(addr), fiber's app.Listen(addr).
func listenAddrArg(call *ast.CallExpr) int {
	switch calleeName(call.Fun) {
	case "Listen", "ListenPacket":
		if len(call.Args) >= 2 {
			return 1 // net.Listen(network, address), tls.Listen(network, address, config)
		}
		if len(call.Args) == 1 {
			return 0 // fiber
		}
	case "ListenAndServe", "ListenAndServeTLS", "Run", "RunTLS", "Start", "StartTLS":
		if len(call.Args) >= 1 {
			return 0
		}
	}
	return -1
}

// healthPaths are the routes a health probe may use, in order of
// preference.
var healthPaths = []string{"/healthz", "/health", "/livez", "/readyz", "/ping"}

// routePathArg returns which argument of a call is a route path, or -1:
// net/http's Handle and HandleFunc, gorilla/mux's Path, gin/echo/chi/fiber
// GET/Get/HEAD/Head/Any, chi's Method("GET", path, h). http.Get and
// http.Head are requests the program makes, not routes.
func routePathArg(call *ast.CallExpr) int {
	sel, _ := call.Fun.(*ast.SelectorExpr)
	if sel != nil {
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "http" && (sel.Sel.Name == "Get" || sel.Sel.Name == "Head") {
			return -1
		}
	}
	i := -1
	switch calleeName(call.Fun) {
	case "Handle", "HandleFunc", "Get", "GET", "Head", "HEAD", "Any", "Path":
		i = 0
	case "Method", "MethodFunc":
		i = 1
	}
	if i >= len(call.Args) {
		return -1
	}
	return i
}

// isServerType reports whether a composite literal's type is a server
// (http.Server, &http.Server{}, a framework's Server): its Addr is where
// the program listens.
func isServerType(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.SelectorExpr:
		return t.Sel.Name == "Server"
	case *ast.Ident:
		return t.Name == "Server"
	}
	return false
}

// packageFindings are the ports and health routes found in one package.
type packageFindings struct {
	ports     []Port
	routes    []HealthRoute
	timeZones []Evidence
	dataReads []dataRead
	tempFiles []Evidence
}

// tempFileCalls are the calls that create or name a temporary file or
// directory (under $TMPDIR, /tmp): a read-only root file system needs a
// writable /tmp for them.
var tempFileCalls = map[string]map[string]bool{
	"os":     {"CreateTemp": true, "MkdirTemp": true, "TempDir": true},
	"ioutil": {"TempFile": true, "TempDir": true},
}

// isTempFileCall says whether a call is os.CreateTemp, os.MkdirTemp,
// os.TempDir, ioutil.TempFile or ioutil.TempDir.
func isTempFileCall(n *ast.CallExpr) bool {
	sel, ok := n.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && tempFileCalls[x.Name][sel.Sel.Name]
}

// dataRead is one literal path a package reads at run time.
type dataRead struct {
	path     string
	dir      bool // a directory (http.Dir, os.DirFS, the directory of a glob)
	evidence Evidence
}

// findInPackage traces every listen address and health route of a module
// package.
func (t *tracer) findInPackage(ps *pkgSyntax) packageFindings {
	var out packageFindings
	for _, pf := range ps.files {
		for _, d := range pf.ast.Decls {
			fn, _ := d.(*ast.FuncDecl)
			sc := scope{ps: ps, file: pf, fn: fn}
			ast.Inspect(d, func(n ast.Node) bool {
				t.budget = evalBudget
				switch n := n.(type) {
				case *ast.CallExpr:
					if i := listenAddrArg(n); i >= 0 {
						use := sc.step(n, types.ExprString(n.Fun)+"("+types.ExprString(n.Args[i])+")")
						out.ports = append(out.ports, listenPorts(use, t.eval(sc, n.Args[i]))...)
					}
					if isFlagCall(n) {
						out.ports = append(out.ports, t.namedFlagPort(sc, n)...)
					}
					if isTempFileCall(n) {
						out.tempFiles = append(out.tempFiles, sc.step(n, types.ExprString(n.Fun)))
					}
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "LoadLocation" {
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" {
							out.timeZones = append(out.timeZones, sc.step(n, types.ExprString(n)))
						}
					}
					for _, arg := range dataPathArgs(n) {
						for _, v := range t.eval(sc, n.Args[arg.index]) {
							if p, ok := runtimePath(v.s, arg.glob); ok {
								e := sc.step(n, types.ExprString(n.Fun)+"("+strconv.Quote(v.s)+")")
								out.dataReads = append(out.dataReads, dataRead{path: p, dir: arg.dir, evidence: e})
							}
						}
					}
					if i := routePathArg(n); i >= 0 {
						for _, v := range t.eval(sc, n.Args[i]) {
							if p, ok := healthRoute(v.s); ok {
								out.routes = append(out.routes, HealthRoute{Path: p, Evidence: sc.step(n, types.ExprString(n.Fun)+"("+strconv.Quote(v.s)+")")})
							}
						}
					}
				case *ast.CompositeLit:
					// http.Server{Addr: …}; other structs' Addr (a
					// client's options) is where the program dials.
					if !isServerType(n.Type) {
						return true
					}
					for _, elt := range n.Elts {
						kv, ok := elt.(*ast.KeyValueExpr)
						if k, isIdent := kv.Key.(*ast.Ident); ok && isIdent && k.Name == "Addr" {
							use := sc.step(kv, "Addr: "+types.ExprString(kv.Value))
							out.ports = append(out.ports, listenPorts(use, t.eval(sc, kv.Value))...)
						}
					}
				case *ast.AssignStmt:
					// srv.Addr = …
					for i, lhs := range n.Lhs {
						if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Addr" && len(n.Lhs) == len(n.Rhs) {
							use := sc.step(n, types.ExprString(lhs)+" = "+types.ExprString(n.Rhs[i]))
							out.ports = append(out.ports, listenPorts(use, t.eval(sc, n.Rhs[i]))...)
						}
					}
				}
				return true
			})
		}
	}
	return out
}

// namedFlagPort reads a flag whose name says it is where the program
// listens ("port", "addr", "listen-client-urls") even when its value is
// not traced to a listen call (it is passed to another package's
// server). Names that say the program dials out are not ports.
func (t *tracer) namedFlagPort(sc scope, call *ast.CallExpr) []Port {
	name, ok := flagName(call)
	if !ok {
		return nil
	}
	lower := strings.ToLower(name)
	if !strings.Contains(lower, "port") && !strings.Contains(lower, "addr") && !strings.Contains(lower, "listen") && !strings.Contains(lower, "bind") {
		return nil
	}
	for _, w := range dialWords {
		if strings.Contains(lower, w) && !strings.Contains(lower, "listen") {
			return nil
		}
	}
	use := sc.step(call, "flag -"+name)
	var out []Port
	for _, v := range t.flagDefault(sc, call) {
		// A flag may hold a bare port number or an address.
		if p, ok := portNumber(v.s); ok {
			out = append(out, Port{Number: p, Evidence: lastStep(v, use), Trace: append([]Evidence{use}, v.steps...)})
			continue
		}
		out = append(out, listenPorts(use, []value{v})...)
	}
	return out
}

// dialWords mark an address flag as one the program connects to.
var dialWords = []string{"db", "database", "redis", "postgres", "mysql", "mongo", "upstream", "remote", "target", "backend", "peer", "dial", "server-addr", "endpoint", "proxy", "metrics-push"}

// listenPorts turns the values reaching a listen site into ports.
func listenPorts(use Evidence, vs []value) []Port {
	var out []Port
	for _, v := range vs {
		host, p, ok := listenAddress(v.s)
		if !ok {
			continue
		}
		out = append(out, Port{Number: p, Loopback: isLoopback(host), Evidence: lastStep(v, use), Trace: append([]Evidence{use}, v.steps...)})
	}
	return out
}

// lastStep is where the value was written: the end of its trace.
func lastStep(v value, use Evidence) Evidence {
	if len(v.steps) == 0 {
		return use
	}
	e := v.steps[len(v.steps)-1]
	e.What = use.What + ": " + e.What
	return e
}

// listenAddress parses a listen address ":8080", "0.0.0.0:8080",
// "[::]:8080" or a listen URL "http://localhost:2379".
func listenAddress(s string) (host string, port int, ok bool) {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Port() == "" {
			return "", 0, false
		}
		p, ok := portNumber(u.Port())
		return u.Hostname(), p, ok
	}
	h, ps, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, false
	}
	p, ok := portNumber(ps)
	return h, p, ok
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// healthRoute reports whether a route pattern is a health route, with an
// optional method ("GET /healthz", Go 1.22 patterns).
func healthRoute(pattern string) (string, bool) {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = strings.TrimSpace(p)
	}
	for _, h := range healthPaths {
		if pattern == h || pattern == h+"/" {
			return h, true
		}
	}
	return "", false
}

// calleeName returns the called function's name: Listen for net.Listen or
// srv.Listen.
func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func portNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return n, true
}

// dataPathArg is an argument of a call that reads a file or directory at
// run time.
type dataPathArg struct {
	index int
	dir   bool // the argument names a directory
	glob  bool // the argument is a glob (template.ParseGlob)
}

// dataPathArgs returns the path arguments of a call that reads files at
// run time: os.ReadFile, os.Open, os.DirFS, http.Dir, and the ParseFiles
// and ParseGlob of html/template and text/template (package functions and
// methods).
func dataPathArgs(call *ast.CallExpr) []dataPathArg {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return nil
	}
	pkg := ""
	if x, ok := sel.X.(*ast.Ident); ok {
		pkg = x.Name
	}
	switch {
	case pkg == "os" && (sel.Sel.Name == "ReadFile" || sel.Sel.Name == "Open"):
		return []dataPathArg{{index: 0}}
	case pkg == "os" && sel.Sel.Name == "DirFS", pkg == "http" && sel.Sel.Name == "Dir":
		return []dataPathArg{{index: 0, dir: true}}
	case sel.Sel.Name == "ParseGlob":
		return []dataPathArg{{index: 0, dir: true, glob: true}}
	case sel.Sel.Name == "ParseFiles":
		var out []dataPathArg
		for i := range call.Args {
			out = append(out, dataPathArg{index: i})
		}
		return out
	}
	return nil
}

// runtimePath turns a literal path read at run time into the module
// relative path to copy into the image: relative, clean, inside the
// module, and for a glob the directory that holds the pattern (which must
// itself have no glob characters). Absolute paths and the module root
// itself are not copied.
// copyablePath is what the generator writes into a Dockerfile as a path
// (letters, digits and . _ / @ + -): a data file named otherwise could not
// be copied, so it is not reported.
var copyablePath = regexp.MustCompile(`^[A-Za-z0-9._/@+-]+$`)

func runtimePath(s string, glob bool) (string, bool) {
	if glob {
		dir := path.Dir(s)
		if strings.ContainsAny(dir, "*?[\\") {
			return "", false
		}
		s = dir
	}
	if s == "" || path.IsAbs(s) || !copyablePath.MatchString(s) || strings.HasPrefix(s, "-") {
		return "", false
	}
	c := path.Clean(s)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}
