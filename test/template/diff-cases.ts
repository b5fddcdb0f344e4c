// Annotation templates rendered by both the real vmalert 1.79.5 and our engine (template.diff.test.ts).
// Data: series tpl_diff{job="node",instance="host1.example.com:9100",path="/a b/c"} = VALUE,
// series tpl_q{idx="a"} = 1, tpl_q{idx="b"} = 2.5; -external.label=cluster=c1,
// -external.url=EXTERNAL_URL. Every function 1.79.5 has appears at least once.

export const VALUE = 1234567.891;
export const EXTERNAL_URL = "http://alerts.example.com:8880/vmalert-prefix";
export const SERIES_LABELS = { job: "node", instance: "host1.example.com:9100", path: "/a b/c" };

export const DIFF_CASES: Record<string, string> = {
  // variables and data
  v_labels: "{{ $labels.job }} {{ .Labels.instance }}",
  v_value: "{{ $value }} {{ .Value }}",
  v_expr: "{{ $expr }}",
  v_ext: "{{ $externalLabels.cluster }}|{{ $externalURL }}",
  v_missing: '[{{ index $labels "nosuch" }}]',
  v_map: "{{ $labels }}",
  v_index: '{{ index $labels "path" }} {{ index .Labels "job" }}',
  // control flow
  c_range_kv: "{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}",
  c_range_dot: "{{ range $labels }}{{ . }};{{ end }}",
  c_range_else: '{{ range query "nonexistent_metric_xyz" }}x{{ else }}empty{{ end }}',
  c_range_args: '{{ range $i, $x := (args "a" "b" "c") }}{{ $i }}{{ $x }} {{ end }}',
  c_if_chain: "{{ if gt $value 1e9 }}huge{{ else if gt $value 1000.0 }}big{{ else }}small{{ end }}",
  c_if_and: '{{ if and (eq $labels.job "node") (ne $labels.instance "") }}yes{{ end }}',
  c_with: "{{ with $labels.job }}job={{ . }}{{ else }}none{{ end }}",
  c_with_else: "{{ with $labels.nosuch }}x{{ else }}empty{{ end }}",
  c_vars: "{{ $x := 5 }}{{ $x = 7 }}{{ $x }}",
  c_scope:
    '{{ $o := "out" }}{{ range $labels }}{{ $o := "in" }}{{ end }}{{ $o }}{{ if true }}{{ $o = "set" }}{{ end }}{{ $o }}',
  c_break: '{{ range $labels }}{{ if eq . "node" }}{{ break }}{{ end }}{{ . }},{{ end }}',
  c_continue: '{{ range $labels }}{{ if eq . "node" }}{{ continue }}{{ end }}{{ . }},{{ end }}',
  c_define: '{{ define "tplA" }}[{{ . }}]{{ end }}{{ template "tplA" $labels.job }}{{ template "tplA" }}',
  c_block: '{{ block "tplB" $value }}B{{ . }}{{ end }}',
  c_args_tpl: '{{ define "tplC" }}{{ .arg0 }}-{{ .arg1 }}-{{ .arg2 }}{{ end }}{{ template "tplC" (args "a" 2) }}',
  c_trim: 'a  {{- "b" -}}  c {{- /* comment */ -}} d {{/* c2 */}}e',
  c_parens: '{{ (printf "%s-%s" $labels.job "x") | toUpper }} {{ len (printf "%s" "abc") }} {{ (args "v").arg0 }}',
  c_pipeline: '{{ $value | printf "%.1f" }} {{ "abc" | printf "%s-%s" "x" }}',
  c_root:
    "{{ $.Labels.job }} {{ with $x := $labels.job }}{{ $x }}{{ $.Value | humanize }}{{ end }} {{ if $labels }}has{{ end }}",
  c_final_arg:
    '{{ 1 | printf "%d %d" 2 }} {{ "x" | len }} {{ $labels.job | printf "%q" }} {{ not $labels.nosuch }} {{ print nil }}',
  c_nested_tpl:
    '{{ define "tplOuter" }}<{{ template "tplInner" . }}>{{ end }}{{ define "tplInner" }}{{ .arg0 | toUpper }}:{{ .arg1 }}{{ end }}{{ template "tplOuter" (args $labels.job $value) }}',
  c_query_struct:
    '{{ (query "tpl_q{idx=\\"a\\"}" | first).Labels }} {{ printf "%v" (query "tpl_q{idx=\\"a\\"}" | first).Value }}',
  c_ws_define: '{{ define "tplWs" }}  {{ end }}[{{ template "tplWs" }}]',
  // literals
  l_strings: '{{ "tab\\t\\"q\\" \\u00e9 \\x41 \\101" }}|{{ `raw \\n string` }}',
  l_numbers: "{{ 'a' }} {{ 0x1F }} {{ 1_000 }} {{ 1e3 }} {{ 1.5 }} {{ -2 }} {{ 0o17 }} {{ 017 }} {{ .5 }}",
  l_bools: '{{ true }} {{ false }} {{ not false }} {{ not 0 }} {{ not "" }}',
  l_floats:
    "{{ 100000.0 }} {{ 1000000.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1e21 }} {{ 123456789.0 }} {{ -0.5 }} {{ 1e100 }}",
  // builtins
  b_len: '{{ len $labels }} {{ len "héllo" }} {{ len (args 1 2) }}',
  b_slice: '{{ slice "abcdef" 1 4 }} {{ slice "abcdef" 2 }} {{ slice "abcdef" }}',
  b_cmp:
    '{{ eq $labels.job "x" "node" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ eq .Value $value }}',
  b_andor: '{{ and 1 "" 3 }}|{{ and 1 2 3 }}|{{ or 0 "" }}|{{ or 0 "x" }}|{{ or false }}',
  b_print: '{{ print 1 2 "a" "b" 3.5 true }}|{{ print "x" 1 }}|{{ print }}',
  b_println: '{{ println "a" 1 2.5 }}',
  b_printf_int: '{{ printf "%d|%5d|%-5d|%05d|%+d|%x|%X|%#x|%o|%b|%c|%q|%U" 42 42 42 42 42 255 255 255 8 5 65 66 67 }}',
  b_printf_str:
    '{{ printf "%s|%q|%v|%10s|%-10s|%.2s|%x|%X|%5.2s|" "str" "q\\"t" "v" "r" "l" "trunc" "hi" "hi" "abc" }}',
  b_printf_float:
    '{{ printf "%f|%.2f|%8.3f|%-8.1f|%e|%.3e|%g|%.3g|%G|%E|%+.1f|% .1f|%08.2f" 3.14159 2.675 1.0005 -2.25 123456.789 0.000123 1e21 1234.5678 1e-7 1e10 3.0 3.0 -3.14159 }}',
  b_printf_ties: '{{ printf "%.2f %.2f %.1f %.0f %.0f %.0f %.3g" 0.125 0.375 0.25 0.5 1.5 2.5 1.0005 }}',
  b_printf_bad:
    '{{ printf "%d %s %f %t" "str" 1 "x" 1 }}|{{ printf "%d %d" 1 }}|{{ printf "%d" 1 2 }}|{{ printf "%z" 1 }}',
  // Widths and precisions past Go's limits, `*` from arguments, explicit argument indexes.
  b_printf_limits:
    '{{ printf "%.*f" 30000000 $value }}|{{ printf "%.30000000f" $value }}|{{ printf "%30000000d" 5 }}|{{ printf "%.*f" 1000001 1.5 }}|{{ printf "%.1000001f" 1.5 | len }}|{{ printf "%1000000d" 7 | len }}|{{ printf "%*d" 1000001 7 }}|{{ printf "%5." 1 }}|{{ printf "%" 1 }}',
  b_printf_star:
    '{{ printf "%*d|%*d|%-*s|%0*x|%.*e|%.*g|%.*d|%*d|%.*s|%*.*f|%-0*d|" 4 5 -5 5 4 "ab" 6 255 3 1234.5 3 1234.5 -1 5 1.5 5 2 "abc" 8 2 3.14159 5 1 }}',
  b_printf_index:
    '{{ printf "%[2]*[1]d|%[2]d %[1]d|%[3]d|%[0]d|%[x]d|%[1]2d|%[1].2f|%.[2]*[1]f|%[2]v %v" 12 5 }}|{{ printf "%[1]d %d" 1 2 3 }}|{{ printf "%d %[5]d %d" 1 2 }}',
  b_printf_value: '{{ printf "%.2f|%v|%s|%d|%e|%g" $value $value $value $value $value $value }}',
  b_printf_misc:
    '{{ printf "%v %v %t" nil true false }} {{ printf "%v" $labels }} {{ printf "%5t|%-6v|" true 1.5 }} {{ printf "%%" }}',
  b_escapes:
    '{{ html "<a href=\'x\'>&\\"</a>" }} {{ js "it\'s <b> & \\"q\\" = \\n" }} {{ urlquery "a b&c=d/é" }} {{ html 1 2 }}',
  // vmalert: numbers
  f_humanize:
    "{{ humanize 0 }} {{ humanize 1 }} {{ humanize 999.95 }} {{ humanize 1234 }} {{ humanize 127087 }} {{ humanize 1.5e9 }} {{ humanize 0.0123 }} {{ humanize 0.000001 }} {{ humanize -2500 }} {{ humanize 1e30 }} {{ humanize 1e-30 }}",
  f_humanize1024:
    "{{ humanize1024 0 }} {{ humanize1024 1 }} {{ humanize1024 1023 }} {{ humanize1024 1024 }} {{ humanize1024 1536 }} {{ humanize1024 127087 }} {{ humanize1024 1e12 }} {{ humanize1024 -2048 }} {{ humanize1024 0.5 }} {{ humanize1024 1e30 }}",
  f_hduration:
    "{{ humanizeDuration 0 }} {{ humanizeDuration 0.5 }} {{ humanizeDuration 0.000123 }} {{ humanizeDuration 1 }} {{ humanizeDuration 59.9 }} {{ humanizeDuration 60 }} {{ humanizeDuration 3661 }} {{ humanizeDuration 42000 }} {{ humanizeDuration 90061 }} {{ humanizeDuration -3661 }} {{ humanizeDuration 1.5 }}",
  f_hpercent:
    "{{ humanizePercentage 0.015 }} {{ humanizePercentage 1 }} {{ humanizePercentage 0.123456 }} {{ humanizePercentage 0 }} {{ humanizePercentage -0.5 }}",
  f_htimestamp: "{{ humanizeTimestamp 0 }} {{ humanizeTimestamp 1679055557 }} {{ humanizeTimestamp 1e9 }}",
  f_value_pipes:
    "{{ $value | humanize }} {{ .Value | humanize1024 }} {{ $value | humanizeDuration }} {{ $value | humanizePercentage }} {{ $value | humanizeTimestamp }}",
  f_parse_duration:
    '{{ parseDuration "1h30m" }} {{ parseDuration "1.5d" }} {{ parseDuration "100ms" }} {{ parseDuration "30" }} {{ parseDuration "1w" }}',
  // vmalert: strings
  s_case: '{{ toUpper "héllo wörld" }} {{ toLower "ÀBC Def" }} {{ title "hello wide_world foo-bar o\'neil x.y" }}',
  s_crlf: '{{ crlfEscape "a\\nb\\rc" }}',
  s_quotes: '{{ quotesEscape "say \\"hi\\"\\n<b>\'x\'\\\\ \\t" }}',
  s_json: '{{ jsonEscape "say \\"hi\\"\\n<b>\'x\'\\\\" }}',
  s_html: '{{ htmlEscape "<a href=\\"x\\">\'&\'</a>" }}',
  s_safe: '{{ safeHtml "<b>bold</b>" }}',
  s_strip_port:
    '{{ stripPort "host:9100" }} {{ stripPort "host" }} {{ stripPort "[::1]:80" }} {{ stripPort "1.2.3.4:5" }} {{ stripPort $labels.instance }}',
  s_strip_domain:
    '{{ stripDomain "host.example.com:9100" }} {{ stripDomain "host.example.com" }} {{ stripDomain "10.0.0.1:9100" }} {{ stripDomain "[::1]:80" }} {{ stripDomain "host" }}',
  s_match:
    '{{ match "^host\\\\d" $labels.instance }} {{ match "(?i)HOST" "host" }} {{ match "^x" "abc" }} {{ match "[[:digit:]]+" "a1" }}',
  s_replace:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp expansion syntax, not JS
    '{{ reReplaceAll "(\\\\w+)\\\\.example\\\\.com:(\\\\d+)" "$2@$1" $labels.instance }}|{{ reReplaceAll "a*" "-" "baaac" }}|{{ reReplaceAll "(?P<h>[a-z]+)" "<${h}>" "ab cd" }}|{{ reReplaceAll "(o)" "$1x" "foo" }}|{{ reReplaceAll "\\\\s+" " " "a \\t\\n b" }}|{{ reReplaceAll "^" ">" "x" }}',
  // regexps (Go RE2): flags, classes, empty matches, Expand, patterns that backtrack in JS
  re_flags:
    '{{ reReplaceAll "(?U)a+" "x" "aaa" }} {{ match "^a(?i)b$" "aB" }} {{ match "^a(?i:b)c$" "aBC" }} {{ match "(?s)^.$" "\\n" }} {{ match "^.$" "\\r" }}',
  re_classes:
    '{{ match "\\\\s" "\\v" }} {{ match "\\\\d" "٣" }} {{ match "^[[:^digit:]]+$" "ab" }} {{ match "^\\\\p{Greek}+$" "αβ" }} {{ match "(\\\\pL+)+$" "héllo" }} {{ match "(?i)k" "\\u212a" }} {{ match "a\\\\z" "a\\n" }} {{ match "^\\\\Qa.b\\\\E$" "a.b" }}',
  re_empty:
    '{{ reReplaceAll "x*" "-" "héllo😀" }}|{{ reReplaceAll "a*" "[$0]" "baaac" }}|{{ reReplaceAll "$" "<" "x" }}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp expansion syntax, not JS
  re_expand: '{{ reReplaceAll "(?P<w>[a-z]+)" "$w.${w}.$1x.${1}x.$01.$$.$é.$-.${1" "abc" }}',
  re_catastrophic:
    '{{ match "^(a+)+$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" }} {{ reReplaceAll "(x+x+)+y" "-" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }}',
  // vmalert: URLs
  u_escape:
    '{{ pathEscape "a b/c?d=e&f+g:h@i" }} {{ queryEscape "a b/c?d=e&f+g:h@i~é" }} {{ $labels.path | pathEscape }}',
  u_external: "{{ externalURL }} {{ pathPrefix }}",
  // vmalert: query
  q_len: '{{ query "tpl_q" | len }}',
  q_first_value: '{{ query "tpl_q{idx=\\"a\\"}" | first | value }}',
  q_sorted:
    '{{ range $i, $e := (query "tpl_q" | sortByLabel "idx") }}{{ $i }}:{{ $e.Value }}:{{ $e.Labels.idx }} {{ end }}',
  q_label:
    '{{ query "tpl_q" | sortByLabel "idx" | first | label "idx" }} {{ (query "tpl_q" | sortByLabel "idx" | first).Labels.idx }}',
  q_strvalue: '{{ query "tpl_q{idx=\\"b\\"}" | first | strvalue }}',
  q_humanize: '{{ with query "tpl_q{idx=\\"b\\"}" }}{{ . | first | value | humanize }}{{ end }}',
  q_value_math: '{{ if gt (query "tpl_q{idx=\\"b\\"}" | first | value) 2.0 }}over{{ end }}',
  // misc
  m_args: '{{ $a := args "x" 1.5 }}{{ $a.arg0 }}{{ $a.arg1 }}{{ $a.arg9 }}',
  m_unicode: '{{ len "日本" }} {{ printf "%q" "日本\\x01" }} {{ printf "%5.1s|" "日本" }}',
  // number formatting sweeps (rounding ties, exponent thresholds, SI prefixes)
  n_sweep_a:
    '{{ range (args 0.1 0.125 0.375 1.005 2.675 1e-7 123.456 999.9999 1000.5 12345.678 999999.5 0.00001234 33.3333333 66.66666666666667) }}{{ . }} {{ humanize . }} {{ humanize1024 . }} {{ humanizeDuration . }} {{ humanizePercentage . }} {{ printf "%.2f %.3g %e %g %.0f %8.3f %.1e" . . . . . . . }}|{{ end }}',
  n_sweep_b:
    '{{ range (args 0.5 1.5 2.5 -0.0001 4.35 8.345 1e15 123456789012 86399.999 604800 0.0005 1.0005 999.5 1023.5 1048575.9) }}{{ . }} {{ humanize . }} {{ humanize1024 . }} {{ humanizeDuration . }} {{ printf "%.2f %.3g %e %g %.0f %.4g" . . . . . . }}|{{ end }}',
  n_sweep_extreme:
    '{{ range (args 5e-324 1.7976931348623157e308 1e16 1e21 1e22 -1e-300 2.2250738585072014e-308) }}{{ . }} {{ humanize . }} {{ humanize1024 . }} {{ printf "%.3g %e %g %.17g" . . . . }}|{{ end }}',
  m_printf_containers:
    '{{ printf "%s|%d|%v|%5v|%x" (args 1 "a") (args 1) (args "x" nil) (args 1.5) (args "hi" 255) }} {{ printf "%q %.1f" $labels (args 2.25) }} {{ printf "%5d|%.2d|%-4t|%6.2f" "ab" "xyz" 1 "abc" }}',
  m_printf_T: '{{ printf "%T %T %T %T" 1 1.5 "s" true }}',
};

/**
 * Where vmalert 1.79.5 and the newest vmalert (whose behaviour tsalert follows) differ: the 1.79.5 output
 * is asserted from the real binary, ours against the newest vmalert's documented behaviour (README
 * "Templates", "Differences from vmalert").
 */
export const KNOWN_DIFFERENCES: Record<string, { text: string; vmalert1795: string; ours: string; why: string }> = {
  k_missing_field: {
    text: "[{{ $labels.nosuch }}]",
    vmalert1795: "[<no value>]",
    ours: "[]",
    why: "newer vmalert: missing map keys print empty (1.79.5 lost missingkey=zero when cloning)",
  },
  k_timestamp_ms: {
    text: "{{ humanizeTimestamp 1679055557.123 }}",
    vmalert1795: "2023-03-17 12:19:17.122 +0000 UTC",
    ours: "2023-03-17 12:19:17.123 +0000 UTC",
    why: "newest converts Unix seconds to milliseconds (v*1e3), 1.79.5 went through nanoseconds (v*1e9)",
  },
};
