package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"strconv"
	"strings"
)

// listenFuncs are the calls whose string arguments are listen addresses:
// net/http, net, and the common routers (gin's Run, echo's Start).
var listenFuncs = map[string]bool{
	"Listen": true, "ListenAndServe": true, "ListenAndServeTLS": true,
	"ListenPacket": true, "Run": true, "RunTLS": true, "Start": true, "StartTLS": true,
}

// flagFuncs are flag-package constructors; their literal default is read when
// the flag's name says it is a port or an address.
var flagFuncs = map[string]bool{
	"String": true, "StringVar": true, "StringP": true, "StringVarP": true,
	"Int": true, "IntVar": true, "IntP": true, "IntVarP": true,
	"Uint": true, "UintVar": true, "Uint16": true, "Uint16Var": true,
}

// findPorts parses one file in full and returns the listen ports it names
// with a literal: an address passed to a listen call, a struct field
// Addr, a flag default, or the literal default of an environment variable
// such as PORT.
func findPorts(rel string, data []byte) []Port {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, data, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var ports []Port
	add := func(n ast.Node, port int, what string) {
		ports = append(ports, Port{Number: port, Evidence: Evidence{File: rel, Line: fset.Position(n.Pos()).Line, What: what}})
	}
	// envVars maps a variable name to the environment variable it was read
	// from, for `port := os.Getenv("PORT")` followed by `port = "8080"`.
	envVars := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := calleeName(n.Fun)
			switch {
			case listenFuncs[name]:
				for _, a := range n.Args {
					if s, ok := stringLit(a); ok {
						if p, ok := addressPort(s); ok {
							add(a, p, name+"("+strconv.Quote(s)+")")
						}
					}
				}
			case flagFuncs[name] && isFlagPackage(n.Fun):
				findFlagDefault(n, add)
			case name == "Or" && len(n.Args) >= 2:
				// cmp.Or(os.Getenv("PORT"), "8080")
				if env, ok := envRead(n.Args[0]); ok {
					if s, ok := stringLit(n.Args[1]); ok {
						if p, ok := portOrAddress(s); ok {
							add(n.Args[1], p, "os.Getenv("+strconv.Quote(env)+") default "+strconv.Quote(s))
						}
					}
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Addr" {
				if s, ok := stringLit(n.Value); ok {
					if p, ok := addressPort(s); ok {
						add(n.Value, p, "Addr: "+strconv.Quote(s))
					}
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok || i >= len(n.Rhs) {
					continue
				}
				if env, ok := envRead(n.Rhs[i]); ok {
					envVars[id.Name] = env
					continue
				}
				if env, ok := envVars[id.Name]; ok {
					if s, ok := stringLit(n.Rhs[i]); ok {
						if p, ok := portOrAddress(s); ok {
							add(n.Rhs[i], p, "os.Getenv("+strconv.Quote(env)+") default "+strconv.Quote(s))
						}
					}
				}
			}
		}
		return true
	})
	return ports
}

func findFlagDefault(call *ast.CallExpr, add func(ast.Node, int, string)) {
	// The flag name is the first string literal argument; the default is a
	// later literal.
	nameIdx := -1
	for i, a := range call.Args {
		if _, ok := stringLit(a); ok {
			nameIdx = i
			break
		}
	}
	if nameIdx < 0 {
		return
	}
	flagName, _ := stringLit(call.Args[nameIdx])
	lower := strings.ToLower(flagName)
	if !strings.Contains(lower, "port") && !strings.Contains(lower, "addr") && !strings.Contains(lower, "listen") {
		return
	}
	for _, a := range call.Args[nameIdx+1:] {
		lit, ok := a.(*ast.BasicLit)
		if !ok {
			continue
		}
		var p int
		switch lit.Kind {
		case token.STRING:
			s, _ := strconv.Unquote(lit.Value)
			p, ok = portOrAddress(s)
		case token.INT:
			n, err := strconv.Atoi(lit.Value)
			p, ok = n, err == nil && n >= 1 && n <= 65535
		default:
			ok = false
		}
		if ok {
			add(lit, p, "flag -"+flagName+" default "+lit.Value)
			return
		}
	}
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

// isFlagPackage reports whether a call is flag.X or pflag.X (or a FlagSet
// method, which also takes a name and a default).
func isFlagPackage(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		n := strings.ToLower(id.Name)
		return n == "flag" || n == "pflag" || strings.Contains(n, "flags") || n == "fs"
	}
	return false
}

// envRead reports whether e is os.Getenv("X") or os.LookupEnv("X") with a
// name that looks like a port or an address, and returns the name.
func envRead(e ast.Expr) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", false
	}
	name := calleeName(call.Fun)
	if name != "Getenv" && name != "LookupEnv" {
		return "", false
	}
	env, ok := stringLit(call.Args[0])
	if !ok {
		return "", false
	}
	upper := strings.ToUpper(env)
	return env, strings.Contains(upper, "PORT") || strings.Contains(upper, "ADDR")
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// addressPort returns the port of a listen address such as ":8080",
// "0.0.0.0:8080" or "[::]:8080".
func addressPort(s string) (int, bool) {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return 0, false
	}
	return portNumber(port)
}

// portOrAddress accepts a bare port ("8080") or an address.
func portOrAddress(s string) (int, bool) {
	if p, ok := portNumber(s); ok {
		return p, true
	}
	return addressPort(s)
}

func portNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return n, true
}
