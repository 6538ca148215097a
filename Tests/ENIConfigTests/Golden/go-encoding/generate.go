// Generates go-numbers.tsv and go-strings.tsv: what Go's encoding/json writes for JSON
// literals read into interface{} (float64) and for strings, the truth GoJSON must match.
// Run: go run generate.go (any Go; \b and \f are post-processed to Go 1.22+'s short forms).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strings"
)

func encode(literal string) string {
	var v interface{}
	if err := json.Unmarshal([]byte(literal), &v); err != nil {
		panic(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(out)
}

func main() {
	r := rand.New(rand.NewSource(20261202))
	literals := []string{
		"0", "-0", "0.0", "-0.0", "1", "1.0", "1.50", "1E3", "1e21", "1e20", "123456789012345678901",
		"12345678901234567890", "1.5e-7", "0.000001", "0.0000001", "1e-6", "9.999999e-7", "1e-07",
		"100", "1e2", "5e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "0.1", "0.2",
		"0.30000000000000004", "9007199254740993", "1e+21", "-1e21", "999999999999999999999",
		"1000000000000000000000", "4.35", "1.23456789e-10", "-12.5E+2", "3.0e0", "1e100", "1e-100",
	}
	for i := 0; i < 1500; i++ {
		var f float64
		switch i % 5 {
		case 0:
			f = math.Float64frombits(r.Uint64())
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
		case 1:
			f = float64(r.Int63n(1<<53)) * math.Pow(10, float64(r.Intn(50)-25))
		case 2:
			f = r.NormFloat64() * math.Pow(10, float64(r.Intn(44)-22))
		case 3:
			f = float64(r.Intn(100000)) / math.Pow(10, float64(r.Intn(12)))
		default:
			f = r.ExpFloat64() * 1e21
		}
		literals = append(literals, fmt.Sprintf("%v", f), fmt.Sprintf("%.17g", f), fmt.Sprintf("%e", f))
	}
	numbers, _ := os.Create("go-numbers.tsv")
	w := bufio.NewWriter(numbers)
	for _, l := range literals {
		fmt.Fprintf(w, "%s\t%s\n", l, encode(l))
	}
	w.Flush()
	numbers.Close()

	strs := []string{"plain", "quote\" back\\ slash/", "<a href=\"x\">&amp;</a>", "tab\tnl\nret\r", "\u2028\u2029", "é 日本 😀", "\x00\x01\x1f\x7f", "\b\f"}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for j := 0; j < 1+r.Intn(12); j++ {
			switch r.Intn(4) {
			case 0:
				b.WriteByte(byte(r.Intn(0x80)))
			case 1:
				b.WriteRune(rune(0x80 + r.Intn(0x800)))
			case 2:
				b.WriteRune([]rune{'<', '>', '&', '\u2028', '\u2029', '"', '\\'}[r.Intn(7)])
			default:
				b.WriteRune(rune(0x10000 + r.Intn(0x1000)))
			}
		}
		strs = append(strs, b.String())
	}
	strings_, _ := os.Create("go-strings.tsv")
	w = bufio.NewWriter(strings_)
	for _, s := range strs {
		in, _ := json.Marshal(s) // the input, as a JSON literal (escapes differ; the value is what matters)
		out := strings.ReplaceAll(strings.ReplaceAll(encode(string(in)), `\u0008`, `\b`), `\u000c`, `\f`)
		fmt.Fprintf(w, "%s\t%s\n", in, out)
	}
	w.Flush()
	strings_.Close()
}
