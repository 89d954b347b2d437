package app

// Messages holds, for each language, one message template per Code. The
// placeholders are {field}, {kind} (the Words entry of the error's Kind),
// {interval} ("0..1000", "0..T (1000)", "(0, 1)"), {min}, {max}, {other},
// {options} (comma-separated), {optionsOr} (the last after the word "or"), {got}, and the error's Args by name. The
// English templates are the messages window.ddpm throws, which programs
// may match; the page shows the table of its language. A test fails when a
// code lacks a message in a language.
var Messages = map[string]map[Code]string{
	langEn: {
		CodeType:         "{field} must be {kind}, got {got}",
		CodeRange:        "{field} must be {kind} in {interval}, got {got}",
		CodeOption:       "{field} must be one of {options}, got {got}",
		CodeOrder:        "{field} must be >= {other} ({min}), got {got}",
		CodeLength:       "{field} must be a string of at most {max} characters, got {got}",
		CodeUnknown:      "unknown field {got}; the fields are {options}",
		CodeUnknownParam: "unknown URL parameter {got}; the parameters are {options}",
		CodeUnknownOpt:   "{field} must be left out (the options are {options}), got an unknown option",
		CodeObject:       `state patch must be an object such as {"t": 250}, got {got}`,
		CodeOptions:      "options must be an object with the fields {options}, got {got}",
		CodeQuery:        "the URL query is malformed: {got}",
		CodeSeparator:    "the URL parameters {fields} were left out: {got} joins them with ; but only & separates parameters",
		CodeFileEmpty:    "picture: the file is empty",
		CodeFileSize:     "picture: the file must be at most {max} MiB, got {got} MiB",
		CodeFileCorrupt:  "picture: the {format} file is corrupt or truncated ({got})",
		CodeFileFormat:   "picture: not a {optionsOr} file this page can read ({got})",
		CodeFilePixels:   "picture: must be at most {side}×{side} pixels and {megapixels} megapixels, got {got}",
		CodePathSize:     "the file must be at most {max} KiB, got {got} KiB",
		CodePathList:     `must be a JSON list of stops such as [{"state": {"t": 0}, "text": {"en": "…"}, "chart": "alphabar"}], got {got}`,
		CodePathStops:    "must hold 1..{max} stops, got {got}",
		CodeStopObject:   `must be an object such as {"state": {"t": 0}, "text": {"en": "…"}}, got {got}`,
		CodeStopText:     `{field} must be {"en": "…", "ko": "…"}: "en" a sentence of 1..{max} characters, "ko" optional, got {got}`,
	},
	langKo: {
		CodeType:         "{field}: {kind}이어야 합니다 (받은 값: {got})",
		CodeRange:        "{field}: {interval} 범위의 {kind}이어야 합니다 (받은 값: {got})",
		CodeOption:       "{field}: 다음 중 하나여야 합니다: {options} (받은 값: {got})",
		CodeOrder:        "{field}: {other}({min}) 이상이어야 합니다 (받은 값: {got})",
		CodeLength:       "{field}: 최대 {max}자의 문자열이어야 합니다 (받은 값: {got})",
		CodeUnknown:      "알 수 없는 필드 {got}; 쓸 수 있는 것: {options}",
		CodeUnknownParam: "알 수 없는 URL 매개변수 {got}; 쓸 수 있는 것: {options}",
		CodeUnknownOpt:   "{field}: 알 수 없는 옵션입니다 (쓸 수 있는 것: {options})",
		CodeObject:       `상태 패치는 {"t": 250} 같은 객체여야 합니다 (받은 값: {got})`,
		CodeOptions:      "옵션은 {options} 필드를 가진 객체여야 합니다 (받은 값: {got})",
		CodeQuery:        "URL 쿼리의 형식이 잘못되었습니다: {got}",
		CodeSeparator:    "URL 매개변수 {fields}를 읽지 않았습니다: {got}은 ;로 이어져 있지만 매개변수는 &로만 구분합니다",
		CodeFileEmpty:    "그림: 파일이 비어 있습니다",
		CodeFileSize:     "그림: 파일은 {max} MiB 이하여야 합니다 (받은 크기: {got} MiB)",
		CodeFileCorrupt:  "그림: {format} 파일이 손상되었거나 잘렸습니다 ({got})",
		CodeFileFormat:   "그림: 이 페이지가 읽을 수 있는 {optionsOr} 파일이 아닙니다 ({got})",
		CodeFilePixels:   "그림: 최대 {side}×{side} 픽셀, {megapixels} 메가픽셀이어야 합니다 (받은 크기: {got})",
		CodePathSize:     "파일은 {max} KiB 이하여야 합니다 (받은 크기: {got} KiB)",
		CodePathList:     `[{"state": {"t": 0}, "text": {"en": "…"}, "chart": "alphabar"}] 같은 JSON 단계 목록이어야 합니다 (받은 값: {got})`,
		CodePathStops:    "단계는 1..{max}개여야 합니다 (받은 개수: {got})",
		CodeStopObject:   `{"state": {"t": 0}, "text": {"en": "…"}} 같은 객체여야 합니다 (받은 값: {got})`,
		CodeStopText:     `{field}: {"en": "…", "ko": "…"} 형식이어야 합니다. "en"은 1..{max}자의 문장, "ko"는 선택 (받은 값: {got})`,
	},
}

// Words are the {kind} words of the messages, by language.
var Words = map[string]map[string]string{
	langEn: {
		"integer": "an integer", "number": "a number", "finite": "a finite number",
		"speed": "a number of steps per second", "boolean": "true or false", "bit": "0 or 1",
		"string": "a string", "or": "or", "origin": "an origin such as https://blog.example",
	},
	langKo: {
		"integer": "정수", "number": "숫자", "finite": "유한한 숫자",
		"speed": "초당 단계 수", "boolean": "true 또는 false", "bit": "0 또는 1",
		"string": "문자열", "or": "또는", "origin": "https://blog.example 같은 출처(origin)",
	},
}

// Languages are the page's languages, in menu order.
var Languages = []string{langEn, langKo}

// Wrapped errors put a prefix before the message of the error they wrap,
// e.g. "stop 2: " before a stop's error in a teacher's path.
var Prefixes = map[string]map[string]string{
	langEn: {"stop": "stop {n}: ", "path": "path: "},
	langKo: {"stop": "{n}단계: ", "path": "경로: "},
}
