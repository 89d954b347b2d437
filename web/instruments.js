// instruments.js: the instruments that make the lesson's argument visible.
//   - schedule plots on one time cursor (ᾱ_t, √ᾱ_t against √(1−ᾱ_t), β_t,
//     log-SNR), all schedules overlaid on demand, click or drag to set t;
//   - the histogram of x_t against N(0, 1) and q(x_t | x_0), with readouts;
//   - the comparison panes' controls and labels (the pictures are drawn by
//     Go in the canvas; the labels are HTML over it);
//   - the frequency view (radial power spectra, log-log);
//   - the snapshot strip, the formulas in MathML with live numbers, and a
//     teacher's path of named stops.
// Every number comes from the Go core (window.dissolvePage.call); this file
// draws SVG and HTML from them and throttles the heavy ones.
'use strict';

(function () {
  const page = window.dissolvePage;
  if (!page) return;
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const MML = 'http://www.w3.org/1998/Math/MathML';
  const fmt = page.fmt;
  const w = page.w;

  // ---- Words -------------------------------------------------------------
  // ordinal(2) = "2nd": English ordinals (11th, 12th, 13th, 21st, 22nd …).
  function ordinal(n) {
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th');
    return `${n}${suffix}`;
  }
  page.words({
    en: {
      instHeading: 'Instruments',
      instOn: 'Show the instruments',
      compareLegend: 'Side by side',
      compare: 'Compare',
      compareNone: 'nothing: one picture',
      compareSchedules: 'two schedules',
      compareModes: 'closed form against Markov chain',
      compareWrongsum: 'right sum against the wrong sum',
      compareNormalise: 'one-shot normalisation against diffusion',
      compareSchedule: 'Second schedule',
      paneClosed: 'closed form: one ε', paneMarkov: 'Markov chain: fresh ε each step',
      paneSecond: 'second schedule', paneWrongsum: 'wrong sum: (A+B)ε',
      paneX0: 'x₀', paneZscore: 'x₀ z-scored: (x₀ − mean)/std', paneXt: 'x_t: diffusion',
      plotsHeading: 'The schedule',
      allSchedules: 'Overlay all schedules', logAxis: 'Log axis for ᾱ_t and β_t',
      plotAlphaBar: 'ᾱ_t: how much of the picture\'s variance is left (the lesson\'s figure)',
      plotCoef: '√ᾱ_t (signal) against √(1−ᾱ_t) (noise)',
      plotBeta: 'β_t: the noise added at each step',
      plotLogSNR: 'log-SNR: ln(ᾱ_t / (1−ᾱ_t))',
      plotHint: 'Click or drag on a plot to set t.',
      signal: 'signal √ᾱ_t', noise: 'noise √(1−ᾱ_t)',
      crossing: (t) => `signal = noise at t ≈ ${t}`,
      noCrossing: 'ᾱ_t never falls to ½: signal and noise never weigh the same',
      histHeading: 'The numbers of x_t against N(0, 1)',
      histAria: 'Histogram of the numbers of x_t with the N(0, 1) density and the predicted density of q(x_t | x_0)',
      histNormal: 'N(0, 1)', histPredicted: 'predicted q(x_t | x₀)', histData: 'x_t (all channels)',
      colPane: 'picture', colMean: 'mean', colStd: 'std', colKS: 'KS to N(0,1)', colPredStd: 'std from the formula',
      sampled: (n, s) => `Statistics of ${n} numbers (every ${ordinal(s)}).`,
      allNumbers: (n) => `Statistics of all ${n} numbers.`,
      rightWrong: (r, wr) => `Noise std: right √(1−ᾱ_t) = ${r}; the wrong sum (A+B)ε would give ${wr}.`,
      atT: (s, kl) => `At t = T: √ᾱ_T = ${s} of the picture remains, and KL(q(x_T | x₀) ‖ N(0, I)) = ${kl} nats per number: close to N(0, I), but not exactly.`,
      outside: (f) => `${f}% of the numbers lie outside [−4, 4].`,
      specHeading: 'Frequency view: fine detail drowns first',
      specAria: 'Radially averaged power spectra of x_t, x_0 and the noise, on log-log axes',
      specXt: 'x_t', specX0: 'x₀', specShare: 'ᾱ_t × x₀ (the picture\'s part)', specNoise: 'the noise in x_t', specLevel: 'noise level 1−ᾱ_t',
      specFreq: 'frequency (cycles per pixel)', specPower: 'power',
      drowned: (f, p) => `Detail finer than ${p} pixels (frequencies above ${f}) is under the noise.`,
      notDrowned: 'No frequency is under the noise yet.',
      specNote: (n) => `Central ${n}×${n} tile, Hann window, averaged over the three channels (Dieleman 2024, “Diffusion is spectral autoregression”).`,
      stripHeading: 'Snapshots from x₀ to x_T',
      stripNote: 'Evenly spaced t, as in the figures of the DDPM paper; they follow the picture, seed, schedule and mode.',
      stripMarkov: 'In Markov mode the strip runs its own chain on the thumbnails (same seed and law, other noise).',
      formulaHeading: 'The formulas, with the numbers at t',
      fOneStep: 'One step', fClosed: 'Any step at once', fProduct: 'ᾱ_t as a product', fPosterior: 'Posterior variance',
      tourHeading: 'A teacher\'s path',
      tourPrev: 'Previous stop', tourNext: 'Next stop',
      tourKeys: 'Keys: N next stop · P previous stop; once the lesson runs, Page Down and Page Up too, until Esc ends it.',
      tourOf: (i, n, name) => `Stop ${i} of ${n}: ${name}`,
      tourStart: 'Press “Next stop” to walk through the lesson.',
      tourOfCustom: (i, n) => `Stop ${i} of ${n}`,
      stops: {
        t0: ['t = 0', 'x₀ is the picture itself: ᾱ₀ = 1, no noise yet. Its numbers are far from N(0, 1) (see the KS distance).'],
        alphabar: ['ᾱ_t, the lesson\'s figure', 'ᾱ_t = α₁α₂…α_t is how much of the picture\'s variance is left at t: it falls from 1 at t = 0 to ᾱ_T ≈ 0.00004 at t = T.'],
        cross: ['where signal = noise', 'Here ᾱ_t = ½: √ᾱ_t = √(1−ᾱ_t) ≈ 0.707, the picture and the noise weigh the same.'],
        tT: ['t = T', 'ᾱ_T is tiny but not 0: x_T is close to N(0, I), but √ᾱ_T of the picture is still there.'],
        residual: ['close to N(0, I), but not exactly', 'x_T still holds √ᾱ_T·x₀ (√ᾱ_T ≈ 0.00635): invisible as it is, but magnified it is plainly the picture. x_T is close to N(0, I), not exactly N(0, I).'],
        modes: ['closed form against Markov chain', 'One ε at once, or fresh ε at every step: different pixels, the same distribution (compare the std and the histograms).'],
        wrong: ['the wrong sum', 'Adding Aε₁ + Bε₂ adds variances (A² + B²); writing (A + B)ε adds the coefficients and the noise grows far too large.'],
        norm: ['one-shot normalisation', 'z-scoring x₀ gives mean 0 and std 1 as x_T does, but its histogram is still the picture\'s, not a Gaussian (KS), and the picture is still plainly there.'],
        schedules: ['linear against cosine', 'The cosine schedule destroys the picture more slowly at first and keeps it longer in the middle.'],
        spectrum: ['fine detail drowns first', 'A picture\'s power falls with frequency, the noise is flat: the noise covers the fine detail first and the coarse shapes last.'],
      },
      errors: {
        mustBe: (field, allowed, got) => `${field} must be ${allowed}, got ${got}`,
      },
    },
    ko: {
      instHeading: '측정 도구',
      instOn: '측정 도구 보이기',
      compareLegend: '나란히 보기',
      compare: '비교',
      compareNone: '없음: 그림 하나',
      compareSchedules: '두 스케줄',
      compareModes: '닫힌 형태 대 마르코프 체인',
      compareWrongsum: '올바른 합 대 잘못된 합',
      compareNormalise: '한 번에 정규화 대 확산',
      compareSchedule: '두 번째 스케줄',
      paneClosed: '닫힌 형태: ε 하나', paneMarkov: '마르코프 체인: 매 단계 새 ε',
      paneSecond: '두 번째 스케줄', paneWrongsum: '잘못된 합: (A+B)ε',
      paneX0: 'x₀', paneZscore: '표준화한 x₀: (x₀ − 평균)/표준편차', paneXt: 'x_t: 확산',
      plotsHeading: '스케줄',
      allSchedules: '모든 스케줄 겹쳐 보기', logAxis: 'ᾱ_t와 β_t에 로그 축',
      plotAlphaBar: 'ᾱ_t: 그림의 분산이 얼마나 남았는가 (강의의 그래프)',
      plotCoef: '√ᾱ_t (신호) 대 √(1−ᾱ_t) (노이즈)',
      plotBeta: 'β_t: 단계마다 더하는 노이즈',
      plotLogSNR: '로그 SNR: ln(ᾱ_t / (1−ᾱ_t))',
      plotHint: '그래프를 클릭하거나 끌어서 t를 정하세요.',
      signal: '신호 √ᾱ_t', noise: '노이즈 √(1−ᾱ_t)',
      crossing: (t) => `t ≈ ${t}에서 신호 = 노이즈`,
      noCrossing: 'ᾱ_t가 ½까지 내려가지 않습니다: 신호와 노이즈가 같아지지 않습니다',
      histHeading: 'x_t의 숫자들과 N(0, 1)',
      histAria: 'x_t 숫자들의 히스토그램과 N(0, 1) 밀도, q(x_t | x_0)의 예측 밀도',
      histNormal: 'N(0, 1)', histPredicted: '예측 q(x_t | x₀)', histData: 'x_t (모든 채널)',
      colPane: '그림', colMean: '평균', colStd: '표준편차', colKS: 'N(0,1)과의 KS', colPredStd: '공식의 표준편차',
      sampled: (n, s) => `숫자 ${n}개(${s}개마다 하나)의 통계입니다.`,
      allNumbers: (n) => `숫자 ${n}개 전부의 통계입니다.`,
      rightWrong: (r, wr) => `노이즈 표준편차: 올바른 값 √(1−ᾱ_t) = ${r}; 잘못된 합 (A+B)ε이라면 ${wr}.`,
      atT: (s, kl) => `t = T에서: 그림의 √ᾱ_T = ${s} 만큼이 남고, KL(q(x_T | x₀) ‖ N(0, I)) = 숫자 하나당 ${kl} nats: N(0, I)에 가깝지만 정확히 같지는 않습니다.`,
      outside: (f) => `숫자의 ${f}%가 [−4, 4] 밖에 있습니다.`,
      specHeading: '주파수로 보기: 세밀한 부분이 먼저 잠깁니다',
      specAria: 'x_t, x_0, 노이즈의 방사 평균 파워 스펙트럼 (로그-로그 축)',
      specXt: 'x_t', specX0: 'x₀', specShare: 'ᾱ_t × x₀ (그림의 몫)', specNoise: 'x_t 속의 노이즈', specLevel: '노이즈 수준 1−ᾱ_t',
      specFreq: '주파수 (픽셀당 주기)', specPower: '파워',
      drowned: (f, p) => `${p} 픽셀보다 세밀한 부분(주파수 ${f} 이상)은 노이즈 아래에 있습니다.`,
      notDrowned: '아직 노이즈 아래에 잠긴 주파수가 없습니다.',
      specNote: (n) => `가운데 ${n}×${n} 영역, Hann 창, 세 채널 평균 (Dieleman 2024, “Diffusion is spectral autoregression”).`,
      stripHeading: 'x₀에서 x_T까지의 스냅숏',
      stripNote: 'DDPM 논문의 그림처럼 t를 고르게 나눴습니다. 그림, 시드, 스케줄, 방식을 따라갑니다.',
      stripMarkov: '마르코프 방식에서는 작은 그림 위에서 따로 체인을 돌립니다 (같은 시드와 분포, 다른 노이즈).',
      formulaHeading: '공식과 현재 t의 숫자',
      fOneStep: '한 단계', fClosed: '한 번에 어느 단계든', fProduct: '곱으로 쓴 ᾱ_t', fPosterior: '사후 분산',
      tourHeading: '수업 순서',
      tourPrev: '이전 단계', tourNext: '다음 단계',
      tourKeys: '키: N 다음 단계 · P 이전 단계. 수업이 시작되면 Esc로 끝낼 때까지 Page Down과 Page Up도 됩니다.',
      tourOf: (i, n, name) => `${n}단계 중 ${i}: ${name}`,
      tourStart: '“다음 단계”를 눌러 강의를 따라가 보세요.',
      tourOfCustom: (i, n) => `${n}단계 중 ${i}`,
      stops: {
        t0: ['t = 0', 'x₀는 그림 그 자체입니다: ᾱ₀ = 1, 아직 노이즈가 없습니다. 숫자들은 N(0, 1)과 거리가 멉니다 (KS 거리).'],
        alphabar: ['ᾱ_t, 강의의 그래프', 'ᾱ_t = α₁α₂…α_t 는 t에서 그림의 분산이 얼마나 남았는지입니다: t = 0에서 1, t = T에서 ᾱ_T ≈ 0.00004 까지 떨어집니다.'],
        cross: ['신호 = 노이즈인 곳', '여기서 ᾱ_t = ½: √ᾱ_t = √(1−ᾱ_t) ≈ 0.707, 그림과 노이즈의 무게가 같습니다.'],
        tT: ['t = T', 'ᾱ_T는 아주 작지만 0은 아닙니다: x_T는 N(0, I)에 가깝지만, 그림의 √ᾱ_T 만큼은 아직 남아 있습니다.'],
        residual: ['N(0, I)에 가깝지만 같지는 않다', 'x_T에는 아직 √ᾱ_T·x₀ (√ᾱ_T ≈ 0.00635)가 들어 있습니다: 그대로는 보이지 않지만, 확대하면 분명히 그 그림입니다. x_T는 N(0, I)에 가깝지만 정확히 N(0, I)는 아닙니다.'],
        modes: ['닫힌 형태 대 마르코프 체인', '한 번에 ε 하나, 또는 매 단계 새 ε: 픽셀은 다르지만 분포는 같습니다 (표준편차와 히스토그램을 비교하세요).'],
        wrong: ['잘못된 합', 'Aε₁ + Bε₂를 더하면 분산이 더해집니다 (A² + B²). (A + B)ε로 쓰면 계수가 더해져서 노이즈가 너무 커집니다.'],
        norm: ['한 번에 정규화', 'x₀를 표준화하면 x_T처럼 평균 0, 표준편차 1이 되지만, 히스토그램은 여전히 그림의 것이지 가우시안이 아니고 (KS), 그림도 그대로 보입니다.'],
        schedules: ['선형 대 코사인', '코사인 스케줄은 처음에 그림을 더 천천히 지우고 중간에 더 오래 남깁니다.'],
        spectrum: ['세밀한 부분이 먼저 잠긴다', '그림의 파워는 주파수가 높을수록 작고 노이즈는 평평합니다: 노이즈는 세밀한 부분을 먼저, 큰 형태를 마지막에 덮습니다.'],
      },
    },
  });

  // ---- Korean error messages ------------------------------------------------
  // Go's messages are English ("t must be an integer in 0..T (1000), got
  // 2000"); the API keeps them so (programs match them), and the page shows
  // them in Korean when the page is in Korean: the field/range messages of
  // setState and the URL, and the picture errors, are rendered here.
  const KO_ALLOWED = [
    [/^an integer in 0\.\.T \((\d+)\)$/, (m) => `0..T(${m[1]}) 범위의 정수`],
    [/^an integer in 0\.\.T$/, () => '0..T 범위의 정수'],
    [/^an integer in (\d+)\.\.(\d+)$/, (m) => `${m[1]}..${m[2]} 범위의 정수`],
    [/^an integer$/, () => '정수'],
    [/^a number of steps per second in (\d+)\.\.(\d+)$/, (m) => `${m[1]}..${m[2]} 범위의 초당 단계 수`],
    [/^a finite number$/, () => '유한한 숫자'],
    [/^a number$/, () => '숫자'],
    [/^a string$/, () => '문자열'],
    [/^true or false$/, () => 'true 또는 false'],
    [/^0 or 1$/, () => '0 또는 1'],
    [/^"(\w+)" or "(\w+)"$/, (m) => `"${m[1]}" 또는 "${m[2]}"`],
    [/^one of (.+)$/, (m) => `다음 중 하나(${m[1]})`],
    [/^a number in \(0, 1\)$/, () => '(0, 1) 범위의 숫자'],
  ];
  function koAllowed(a) {
    for (const [re, f] of KO_ALLOWED) {
      const m = a.match(re);
      if (m) return f(m);
    }
    return a;
  }
  function koError(msg) {
    // A teacher's path: "stop 2: …" and "path: …" (wasm/app/path.go).
    let p = msg.match(/^stop (\d+): (.*)$/s);
    if (p) return `${p[1]}단계: ${koError(p[2])}`;
    p = msg.match(/^path: (.*)$/s);
    if (p) return `경로: ${koError(p[1])}`;
    let m = msg.match(/^(.*?)(\b[\w]+) must be (.+), got (.*)$/s);
    if (m) return `${m[1]}${m[2]}: ${koAllowed(m[3])}이어야 합니다 (받은 값: ${m[4]})`;
    m = msg.match(/^(.*?)unknown (field|URL parameter) "([^"]*)"; the (?:fields|parameters) are (.*)$/s);
    if (m) return `${m[1]}알 수 없는 ${m[2] === 'field' ? '필드' : 'URL 매개변수'} "${m[3]}"; 쓸 수 있는 것: ${m[4]}`;
    m = msg.match(/^(.*?)picture: the file must be at most (\d+) MiB, got (.*)$/s);
    if (m) return `${m[1]}그림: 파일은 ${m[2]} MiB 이하여야 합니다 (받은 크기: ${m[3]})`;
    m = msg.match(/^(.*?)picture: the (\w+) file is corrupt or truncated (.*)$/s);
    if (m) return `${m[1]}그림: ${m[2]} 파일이 손상되었거나 잘렸습니다 ${m[3]}`;
    m = msg.match(/^(.*?)picture: not a (.+) file this page can read (.*)$/s);
    if (m) return `${m[1]}그림: 이 페이지가 읽을 수 있는 ${m[2]} 파일이 아닙니다 ${m[3]}`;
    m = msg.match(/^(.*?)picture: must be at most (.*), got (.*)$/s);
    if (m) return `${m[1]}그림: 최대 ${m[2]}이어야 합니다 (받은 크기: ${m[3]})`;
    m = msg.match(/^(.*?)state patch must be an object such as (.*), got (.*)$/s);
    if (m) return `${m[1]}상태 패치는 ${m[2]} 같은 객체여야 합니다 (받은 값: ${m[3]})`;
    return msg;
  }
  if (page.translateErrors) page.translateErrors((msg) => (page.lang() === 'ko' ? koError(msg) : msg));
  window.dissolveKoError = koError; // for the browser tests

  // ---- DOM helpers ----------------------------------------------------------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'i18n') e.dataset.i18n = v;
      else if (k === 'i18nAria') e.dataset.i18nAria = v;
      else e.setAttribute(k, v);
    }
    e.append(...kids);
    return e;
  }
  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function option(value, key) {
    const o = el('option', { value, i18n: key });
    o.textContent = w(key);
    return o;
  }
  function label(forId, key) {
    const l = el('label', { for: forId, i18n: key });
    l.textContent = w(key);
    return l;
  }
  function text(tag, key, attrs) {
    const e = el(tag, Object.assign({ i18n: key }, attrs || {}));
    e.textContent = w(key);
    return e;
  }
  function checkbox(id, key, checked) {
    const box = el('input', { type: 'checkbox', id, name: id });
    box.checked = checked;
    const span = text('span', key);
    return el('label', { class: 'check' }, box, ' ', span);
  }

  // ---- Building the page's parts ---------------------------------------------
  const compareSel = el('select', { id: 'compare', name: 'compare' },
    option('none', 'compareNone'), option('schedules', 'compareSchedules'), option('modes', 'compareModes'),
    option('wrongsum', 'compareWrongsum'), option('normalise', 'compareNormalise'));
  const compareSchedSel = el('select', { id: 'compareSchedule', name: 'compareSchedule' },
    option('linear', 'linear'), option('scaled-linear', 'scaledLinear'), option('cosine', 'cosine'), option('sigmoid', 'sigmoid'));
  const compareSet = el('fieldset', { class: 'compare-set' }, text('legend', 'compareLegend'),
    label('compare', 'compare'), compareSel, label('compareSchedule', 'compareSchedule'), compareSchedSel);
  $('controls').append(compareSet);

  const paneLabels = el('div', { class: 'pane-labels', id: 'pane-labels', 'aria-live': 'polite' });
  $('stage-box').append(paneLabels);

  // The teacher's path sits under the transport.
  const tourName = el('p', { class: 'tour-name', id: 'tour-name' });
  const tourText = el('p', { class: 'tour-text', id: 'tour-text' });
  const tourPrev = text('button', 'tourPrev', { type: 'button', id: 'tour-prev', 'aria-keyshortcuts': 'P PageUp' });
  const tourNext = text('button', 'tourNext', { type: 'button', id: 'tour-next', class: 'primary', 'aria-keyshortcuts': 'N PageDown' });
  const tour = el('section', { class: 'tour', id: 'tour', 'aria-labelledby': 'tour-heading' },
    text('h2', 'tourHeading', { id: 'tour-heading' }),
    el('div', { class: 'tour-buttons' }, tourPrev, tourNext),
    // A stop is announced whole: its name and its sentence.
    el('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, tourName, tourText),
    text('p', 'tourKeys', { class: 'hint' }));
  document.querySelector('.stage-area').append(tour);

  // The instruments' section, after the main layout.
  const onBox = checkbox('instruments-on', 'instOn', true);
  const allBox = checkbox('all-schedules', 'allSchedules', false);
  const logBox = checkbox('log-axis', 'logAxis', false);
  function plotFigure(id, key) {
    const svg = svgEl('svg', { id, class: 'plot', viewBox: '0 0 480 300', role: 'img' });
    // A figure takes no name from its caption in every browser: name it.
    const fig = el('figure', { class: 'plot-box', 'aria-labelledby': id + '-cap' }, text('figcaption', key, { id: id + '-cap' }), svg);
    svg.setAttribute('aria-labelledby', id + '-cap');
    return fig;
  }
  const schedLegend = el('ul', { class: 'html-legend', id: 'schedule-legend' });
  const plots = el('div', { class: 'plots' },
    plotFigure('plot-alphabar', 'plotAlphaBar'), plotFigure('plot-coef', 'plotCoef'),
    plotFigure('plot-beta', 'plotBeta'), plotFigure('plot-logsnr', 'plotLogSNR'));
  const histSvg = svgEl('svg', { id: 'hist', class: 'plot', viewBox: '0 0 480 300', role: 'img', 'data-i18n-aria': 'histAria' });
  const histTable = el('table', { class: 'hist-table', id: 'hist-table' });
  const histNotes = el('div', { class: 'hist-notes', id: 'hist-notes' });
  const specSvg = svgEl('svg', { id: 'spectrum', class: 'plot', viewBox: '0 0 480 300', role: 'img', 'data-i18n-aria': 'specAria' });
  const specNotes = el('div', { class: 'hist-notes', id: 'spec-notes' });
  const specLegend = el('ul', { class: 'html-legend', id: 'spec-legend' });
  const strip = el('div', { class: 'strip', id: 'strip' });
  const stripNotes = el('p', { class: 'hint', id: 'strip-notes' });
  const formulas = el('div', { class: 'formulas', id: 'formulas' });
  const body = el('div', { class: 'inst-body', id: 'inst-body' },
    el('section', { class: 'inst-part', 'aria-labelledby': 'plots-heading' },
      text('h3', 'plotsHeading', { id: 'plots-heading' }), el('div', { class: 'inst-options' }, allBox, logBox),
      schedLegend, plots, text('p', 'plotHint', { class: 'hint' })),
    el('div', { class: 'inst-pair' },
      el('section', { class: 'inst-part', 'aria-labelledby': 'hist-heading' },
        // The table scrolls inside its box rather than pan a phone's page.
        text('h3', 'histHeading', { id: 'hist-heading' }), histSvg, el('div', { class: 'table-scroll' }, histTable), histNotes),
      el('section', { class: 'inst-part', 'aria-labelledby': 'spec-heading' },
        text('h3', 'specHeading', { id: 'spec-heading' }), specSvg, specLegend, specNotes)),
    el('section', { class: 'inst-part', 'aria-labelledby': 'strip-heading' },
      text('h3', 'stripHeading', { id: 'strip-heading' }), strip, stripNotes),
    el('section', { class: 'inst-part', 'aria-labelledby': 'formula-heading' },
      text('h3', 'formulaHeading', { id: 'formula-heading' }), formulas));
  const section = el('section', { class: 'instruments', id: 'instruments', 'aria-labelledby': 'inst-heading' },
    el('div', { class: 'inst-head' }, text('h2', 'instHeading', { id: 'inst-heading' }), onBox), body);
  document.querySelector('main.layout').after(section);

  // The elements of the charts a stop can show (wasm/app/path.go's Charts;
  // "residual" is web/present.js's own).
  function chartElements() {
    return {
      alphabar: $('plot-alphabar').closest('figure'), coef: $('plot-coef').closest('figure'),
      beta: $('plot-beta').closest('figure'), logsnr: $('plot-logsnr').closest('figure'),
      histogram: histSvg, spectrum: specSvg, strip, formulas,
    };
  }

  // ---- Plot geometry --------------------------------------------------------
  const G = { x0: 62, x1: 466, y0: 14, y1: 250 }; // plot area in viewBox units
  function scale(d0, d1, r0, r1, log) {
    if (log) {
      const l0 = Math.log10(d0), l1 = Math.log10(d1);
      return (v) => r0 + (Math.log10(Math.max(v, d0)) - l0) / (l1 - l0) * (r1 - r0);
    }
    return (v) => r0 + (v - d0) / (d1 - d0) * (r1 - r0);
  }
  function niceTicks(lo, hi, n) {
    const step0 = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }
  function logTicks(lo, hi) {
    const out = [];
    for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.log10(hi) + 1e-9; e++) out.push(Math.pow(10, e));
    if (out.length > 7) return out.filter((_, i) => i % 2 === (out.length - 1) % 2);
    return out;
  }
  function tickLabel(v, log) {
    if (log) {
      const e = Math.round(Math.log10(v));
      return e === 0 ? '1' : `10${String(e).replace('-', '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d])}`;
    }
    return fmt(v, 3);
  }
  // axes draws the frame, ticks and labels; returns {x, y} scales.
  function axes(svg, o) {
    const x = scale(o.x[0], o.x[1], G.x0, G.x1, o.xLog);
    const y = scale(o.y[0], o.y[1], G.y1, G.y0, o.yLog);
    const g = svgEl('g', { class: 'axes' });
    const xt = o.xLog ? logTicks(o.x[0], o.x[1]) : niceTicks(o.x[0], o.x[1], 5);
    const yt = o.yLog ? logTicks(o.y[0], o.y[1]) : niceTicks(o.y[0], o.y[1], 4);
    for (const v of yt) {
      g.append(svgEl('line', { class: 'grid', x1: G.x0, x2: G.x1, y1: y(v), y2: y(v) }));
      const t = svgEl('text', { class: 'tick', x: G.x0 - 6, y: y(v) + 5, 'text-anchor': 'end' });
      t.textContent = tickLabel(v, o.yLog);
      g.append(t);
    }
    for (const v of xt) {
      g.append(svgEl('line', { class: 'grid', x1: x(v), x2: x(v), y1: G.y0, y2: G.y1 }));
      const t = svgEl('text', { class: 'tick', x: x(v), y: G.y1 + 20, 'text-anchor': 'middle' });
      t.textContent = tickLabel(v, o.xLog);
      g.append(t);
    }
    g.append(svgEl('rect', { class: 'frame', x: G.x0, y: G.y0, width: G.x1 - G.x0, height: G.y1 - G.y0 }));
    if (o.xLabel) {
      const t = svgEl('text', { class: 'axis-label', x: (G.x0 + G.x1) / 2, y: 294, 'text-anchor': 'middle' });
      t.textContent = o.xLabel;
      g.append(t);
    }
    svg.append(g);
    return { x, y };
  }
  function pathOf(xs, ys, sx, sy, yLo, yHi) {
    let d = '';
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      let v = ys[i];
      if (v === null || Number.isNaN(v)) { pen = false; continue; }
      v = Math.min(Math.max(v, yLo), yHi);
      d += `${pen ? 'L' : 'M'}${sx(xs[i]).toFixed(1)} ${sy(v).toFixed(1)}`;
      pen = true;
    }
    return d;
  }
  function legend(svg, items, x0, y0) {
    const g = svgEl('g', { class: 'legend' });
    items.forEach((it, i) => {
      const y = y0 + i * 20;
      g.append(svgEl('line', { class: it.cls, x1: x0, x2: x0 + 22, y1: y - 5, y2: y - 5 }));
      const t = svgEl('text', { x: x0 + 28, y, class: 'legend-text' });
      t.textContent = it.label;
      g.append(t);
    });
    svg.append(g);
  }

  // htmlLegend lists [class, label] pairs under a plot, each with a sample
  // of its line.
  function htmlLegend(ul, items) {
    ul.replaceChildren(...items.map(([cls, label]) => {
      const key = svgEl('svg', { viewBox: '0 0 28 10', class: 'legend-key', 'aria-hidden': 'true' });
      key.append(svgEl('line', { class: `curve ${cls}`, x1: 0, x2: 28, y1: 5, y2: 5 }));
      const li = el('li', {}, key);
      li.append(label);
      return li;
    }));
  }

  // ---- State kept between frames ------------------------------------------------
  let enabled = true;
  let curves = null;
  let curvesKey = '';
  let plotScales = {}; // id → {x}, for the cursor and clicks
  let lastT = -1;
  let lastState = null;
  let histPanes = [];
  let histKinds = [];
  let histReport = null;
  let nextPane = 0;
  let lastHistAt = 0;
  let lastSpecAt = 0;
  let lastSpecKey = '';
  let stripKey = '';
  let stripTimer = 0;
  let lastFormulaAt = 0;
  let formulasStale = false;
  let histStale = false;
  let lastCursorStale = false;
  let lastPanesKey = '';
  let table = null; // the schedule table for ᾱ_{t−1}
  let tableKey = '';

  function scheduleKey(s) { return [s.schedule, s.T, s.betaStart, s.betaEnd, s.zeroTerminalSNR].join('|'); }

  // ---- Schedule plots ---------------------------------------------------------
  const SCHED_CLASS = { linear: 's-linear', 'scaled-linear': 's-scaled', cosine: 's-cosine', sigmoid: 's-sigmoid' };
  const SCHED_KEY = { linear: 'linear', 'scaled-linear': 'scaledLinear', cosine: 'cosine', sigmoid: 'sigmoid' };

  function drawSchedulePlots(s) {
    const shown = allBox.querySelector('input').checked ? curves : curves.slice(0, 1);
    const log = logBox.querySelector('input').checked;
    const T = s.T;

    // ᾱ_t
    let svg = $('plot-alphabar');
    svg.replaceChildren();
    let minPos = 1;
    for (const c of shown) for (const v of c.alphaBar) if (v > 0 && v < minPos) minPos = v;
    const abLo = log ? Math.max(1e-8, Math.pow(10, Math.floor(Math.log10(minPos)))) : 0;
    let sc = axes(svg, { x: [0, T], y: [abLo, 1], yLog: log, xLabel: 't' });
    shown.forEach((c, i) => svg.append(svgEl('path', { class: `curve ${SCHED_CLASS[c.name]}${i === 0 ? ' main' : ''}`, d: pathOf(c.t, c.alphaBar, sc.x, sc.y, abLo, 1) })));
    plotScales['plot-alphabar'] = sc;
    htmlLegend(schedLegend, shown.length > 1 ? shown.map((c, i) => [`${SCHED_CLASS[c.name]}${i === 0 ? ' main' : ''}`, w(SCHED_KEY[c.name])]) : []);

    // √ᾱ_t against √(1−ᾱ_t), with the crossing
    svg = $('plot-coef');
    svg.replaceChildren();
    sc = axes(svg, { x: [0, T], y: [0, 1], xLabel: 't' });
    const c0 = curves[0];
    svg.append(svgEl('path', { class: 'curve signal main', d: pathOf(c0.t, c0.sqrtAlphaBar, sc.x, sc.y, 0, 1) }));
    svg.append(svgEl('path', { class: 'curve noise main', d: pathOf(c0.t, c0.sqrtOneMinusAlphaBar, sc.x, sc.y, 0, 1) }));
    if (shown.length > 1) {
      for (const c of shown.slice(1)) {
        svg.append(svgEl('path', { class: `curve thin ${SCHED_CLASS[c.name]}`, d: pathOf(c.t, c.sqrtAlphaBar, sc.x, sc.y, 0, 1) }));
      }
    }
    const cr = svg.appendChild(svgEl('text', { class: 'note-text', x: G.x0 + 8, y: G.y1 - 10 }));
    if (c0.crossing !== null) {
      const cx = sc.x(c0.crossing), cy = sc.y(Math.SQRT1_2);
      svg.append(svgEl('line', { class: 'crossing', x1: cx, x2: cx, y1: G.y0, y2: G.y1 }));
      svg.append(svgEl('circle', { class: 'crossing-dot', cx, cy, r: 6 }));
      cr.textContent = w('crossing')(fmt(c0.crossing, 4));
      cr.setAttribute('id', 'crossing-label');
    } else {
      cr.textContent = w('noCrossing');
    }
    legend(svg, [{ cls: 'curve signal main', label: w('signal') }, { cls: 'curve noise main', label: w('noise') }], G.x1 - 175, (G.y0 + G.y1) / 2);
    plotScales['plot-coef'] = sc;

    // β_t
    svg = $('plot-beta');
    svg.replaceChildren();
    let bMax = 0, bMin = 1;
    for (const c of shown) for (let i = 1; i < c.beta.length; i++) { bMax = Math.max(bMax, c.beta[i]); if (c.beta[i] > 0) bMin = Math.min(bMin, c.beta[i]); }
    const bLo = log ? Math.pow(10, Math.floor(Math.log10(bMin))) : 0;
    const bHi = log ? Math.pow(10, Math.ceil(Math.log10(bMax))) : bMax * 1.05;
    sc = axes(svg, { x: [0, T], y: [bLo, bHi], yLog: log, xLabel: 't' });
    shown.forEach((c, i) => svg.append(svgEl('path', { class: `curve ${SCHED_CLASS[c.name]}${i === 0 ? ' main' : ''}`, d: pathOf(c.t.slice(1), c.beta.slice(1), sc.x, sc.y, bLo, bHi) })));
    plotScales['plot-beta'] = sc;

    // log-SNR
    svg = $('plot-logsnr');
    svg.replaceChildren();
    let lo = 0, hi = 0;
    for (const c of shown) for (const v of c.logSNR) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    lo = Math.floor(lo / 5) * 5; hi = Math.ceil(hi / 5) * 5;
    sc = axes(svg, { x: [0, T], y: [lo, hi], xLabel: 't' });
    svg.append(svgEl('line', { class: 'zero', x1: G.x0, x2: G.x1, y1: sc.y(0), y2: sc.y(0) }));
    shown.forEach((c, i) => svg.append(svgEl('path', { class: `curve ${SCHED_CLASS[c.name]}${i === 0 ? ' main' : ''}`, d: pathOf(c.t, c.logSNR, sc.x, sc.y, lo, hi) })));
    plotScales['plot-logsnr'] = sc;

    for (const id of Object.keys(plotScales)) {
      const svg2 = $(id);
      const line = svgEl('line', { class: 'cursor', y1: G.y0, y2: G.y1 });
      const dot = svgEl('text', { class: 'cursor-label', y: G.y0 + 16 });
      svg2.append(line, dot);
      plotScales[id].cursor = line;
      plotScales[id].cursorLabel = dot;
    }
    lastT = -1;
  }

  function moveCursor(s) {
    for (const id of Object.keys(plotScales)) {
      const sc = plotScales[id];
      if (!sc.cursor) continue;
      const x = sc.x(s.t);
      sc.cursor.setAttribute('x1', x);
      sc.cursor.setAttribute('x2', x);
      sc.cursorLabel.setAttribute('x', x + (x > 380 ? -6 : 6));
      sc.cursorLabel.setAttribute('text-anchor', x > 380 ? 'end' : 'start');
      sc.cursorLabel.textContent = `t = ${s.t}`;
    }
  }

  // Clicking or dragging on a plot sets t.
  function tOfPointer(svg, e, T) {
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
    const f = (pt.x - G.x0) / (G.x1 - G.x0);
    return Math.round(Math.min(1, Math.max(0, f)) * T);
  }
  for (const id of ['plot-alphabar', 'plot-coef', 'plot-beta', 'plot-logsnr']) {
    const svg = $(id);
    let dragging = false;
    const set = (e) => {
      if (!page.isReady() || !lastState) return;
      page.tryPatch({ playing: false, t: tOfPointer(svg, e, lastState.T) });
    };
    svg.addEventListener('pointerdown', (e) => { dragging = true; svg.setPointerCapture(e.pointerId); set(e); e.preventDefault(); });
    svg.addEventListener('pointermove', (e) => { if (dragging) set(e); });
    svg.addEventListener('pointerup', () => { dragging = false; });
    svg.addEventListener('pointercancel', () => { dragging = false; });
  }

  // ---- Histogram --------------------------------------------------------------
  const PANE_KEY = { closed: 'paneClosed', markov: 'paneMarkov', second: 'paneSecond', wrongsum: 'paneWrongsum', x0: 'paneX0', zscore: 'paneZscore' };
  function paneName(kind, s) {
    if (kind === 'second') return `${w(SCHED_KEY[s.compareSchedule])}`;
    if ((kind === 'closed' || kind === 'markov') && s.compare === 'schedules') return `${w(SCHED_KEY[s.schedule])}`;
    if ((kind === 'closed' || kind === 'markov') && s.compare === 'normalise') return w('paneXt');
    return w(PANE_KEY[kind]);
  }

  // The line under the readouts describes the pane that shows x_t
  // (Engine.LiveStats): named after it beside another x_t.
  if (page.paneLabel) {
    page.paneLabel((kind, s) => (s.compare === 'none' || s.compare === 'normalise' || !kind ? 'x_t' : `x_t (${paneName(kind, s)})`));
  }

  // refreshHistogram computes one pane per refresh, in turn (see
  // Engine.Instruments), and says whether every pane is now up to date
  // with the state (histFresh: the panes computed since it changed).
  let histFresh = new Set();
  function refreshHistogram(s) {
    const kindsNow = JSON.stringify([s.compare, s.mode, s.compareSchedule]);
    if (kindsNow !== histKinds.key) { histPanes = []; nextPane = 0; histFresh = new Set(); }
    const r = page.call('instruments', nextPane);
    histKinds = r.kinds;
    histKinds.key = kindsNow;
    for (const p of r.panes) { histPanes[p.index] = p; histFresh.add(p.index); }
    nextPane = (nextPane + 1) % r.kinds.length;
    histPanes.length = r.kinds.length;
    // Panes not computed yet are missing for a refresh or two.
    histReport = r;
    drawHistogram(s);
    return histFresh.size >= r.kinds.length;
  }

  function drawHistogram(s) {
    const r = histReport;
    if (!r) return;
    const panes = histPanes.filter(Boolean);
    const svg = histSvg;
    svg.replaceChildren();
    let yMax = 0.5;
    for (const v of r.normal) yMax = Math.max(yMax, v);
    for (const p of panes) for (const v of p.density) yMax = Math.max(yMax, v);
    yMax = Math.min(yMax * 1.08, 2.5);
    const sc = axes(svg, { x: [r.lo, r.hi], y: [0, yMax], xLabel: 'x' });
    const width = (r.hi - r.lo) / r.bins;
    const centres = r.normal.map((_, i) => r.lo + (i + 0.5) * width);
    panes.forEach((p) => {
      const k = p.index;
      let d = '';
      p.density.forEach((v, i) => {
        if (v <= 0) return;
        const x0 = sc.x(r.lo + i * width), x1 = sc.x(r.lo + (i + 1) * width);
        const y = sc.y(Math.min(v, yMax));
        d += `M${x0.toFixed(1)} ${G.y1}V${y.toFixed(1)}H${x1.toFixed(1)}V${G.y1}`;
      });
      svg.append(svgEl('path', { class: `bars pane-${k}`, d }));
    });
    panes.forEach((p) => {
      svg.append(svgEl('path', { class: `curve predicted pane-${p.index}`, d: pathOf(centres, p.predicted, sc.x, sc.y, 0, yMax) }));
    });
    svg.append(svgEl('path', { class: 'curve normal', d: pathOf(centres, r.normal, sc.x, sc.y, 0, yMax) }));
    const items = [{ cls: 'curve normal', label: w('histNormal') }, { cls: 'curve predicted pane-0', label: w('histPredicted') }];
    panes.forEach((p) => items.push({ cls: `bars-key pane-${p.index}`, label: r.kinds.length > 1 ? paneName(p.kind, s) : w('histData') }));
    legend(svg, items, G.x0 + 10, G.y0 + 20);

    // Readouts: one row per pane.
    const head = el('tr', {}, ...['colPane', 'colMean', 'colStd', 'colPredStd', 'colKS'].map((k) => text('th', k, { scope: 'col' })));
    const rows = panes.map((p) => {
      const k = p.index;
      const xs = x0Std();
      const pred = xs === null ? null : Math.sqrt(p.a * p.a * xs * xs + p.b * p.b);
      return el('tr', { class: `pane-row pane-${k}` },
        el('th', { scope: 'row' }, el('span', { class: `swatch pane-${k}` }), paneName(p.kind, s)),
        el('td', {}, fmt(p.mean, 3)), el('td', { class: 'std' }, fmt(p.std, 4)),
        el('td', {}, pred === null ? '–' : fmt(pred, 4)), el('td', { class: 'ks' }, fmt(p.ks, 3)));
    });
    histTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));

    const notes = [];
    notes.push(r.stride > 1 ? w('sampled')(panes[0].n, r.stride) : w('allNumbers')(panes[0].n));
    notes.push(w('rightWrong')(fmt(r.rightStd, 4), fmt(r.wrongSumStd, 4)));
    const out = Math.max(...panes.map((p) => p.outside));
    if (out > 0.001) notes.push(w('outside')(fmt(100 * out, 3)));
    const atT = el('p', { class: s.t === s.T ? 'at-t emphasis' : 'at-t', id: 'at-t' });
    atT.textContent = w('atT')(fmt(r.residualSignal, 3), fmt(r.kl, 3));
    histNotes.replaceChildren(...notes.map((n) => { const e = el('p'); e.textContent = n; return e; }), atT);
  }

  // The std of x_0, for each pane's std by the formula √(a²·var x₀ + b²)
  // (the pane's numbers are a·x₀ + c + b·ε); from the core, once per picture.
  let x0StdCache = { key: '', v: null };
  function x0Std() { return x0StdCache.v; }

  // ---- Frequency view ---------------------------------------------------------------
  function refreshSpectrum() {
    const r = page.call('spectrum');
    const svg = specSvg;
    svg.replaceChildren();
    let lo = Infinity, hi = 0;
    for (const arr of [r.xt, r.x0, r.noise]) for (const v of arr) if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > 0)) { lo = 1e-6; hi = 1; }
    lo = Math.max(lo, hi * 1e-9);
    lo = Math.pow(10, Math.floor(Math.log10(lo)));
    hi = Math.pow(10, Math.ceil(Math.log10(hi)));
    const sc = axes(svg, { x: [r.freq[0], 0.5], y: [lo, hi], xLog: true, yLog: true, xLabel: w('specFreq') });
    const draw = (arr, cls) => svg.append(svgEl('path', { class: `curve ${cls}`, d: pathOf(r.freq, arr.map((v) => (v > 0 ? v : null)), sc.x, sc.y, lo, hi) }));
    draw(r.x0, 'spec-x0');
    draw(r.signalShare, 'spec-share');
    draw(r.noise, 'spec-noise');
    draw(r.xt, 'spec-xt main');
    if (r.noiseLevel > 0) {
      const y = sc.y(Math.min(Math.max(r.noiseLevel, lo), hi));
      svg.append(svgEl('line', { class: 'level', x1: G.x0, x2: G.x1, y1: y, y2: y }));
    }
    if (r.drowned !== null) {
      const x = sc.x(r.drowned);
      svg.append(svgEl('rect', { class: 'drowned', x, y: G.y0, width: G.x1 - x, height: G.y1 - G.y0 }));
    }
    htmlLegend(specLegend, [['spec-xt', w('specXt')], ['spec-x0', w('specX0')], ['spec-share', w('specShare')],
      ['spec-noise', w('specNoise')], ['level', w('specLevel')]]);
    const notes = [];
    notes.push(r.drowned !== null ? w('drowned')(fmt(r.drowned, 3), fmt(1 / r.drowned, 3)) : w('notDrowned'));
    notes.push(w('specNote')(r.n));
    specNotes.replaceChildren(...notes.map((n, i) => { const e = el('p', i === 0 ? { id: 'drowned' } : {}); e.textContent = n; return e; }));
  }

  // ---- Snapshot strip -------------------------------------------------------------
  function refreshStrip(s) {
    const r = page.call('strip', 11);
    const bin = atob(r.rgba);
    const size = r.w * r.h * 4;
    const cells = r.steps.map((t, k) => {
      const c = el('canvas', { width: r.w, height: r.h, class: 'strip-frame' });
      const bytes = new Uint8ClampedArray(size);
      for (let i = 0; i < size; i++) bytes[i] = bin.charCodeAt(k * size + i);
      c.getContext('2d').putImageData(new ImageData(bytes, r.w, r.h), 0, 0);
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `x_t, t = ${t}`);
      const b = el('button', { type: 'button', class: 'strip-cell', 'aria-label': `t = ${t}` }, c, el('span', {}, `t = ${t}`));
      b.addEventListener('click', () => page.tryPatch({ playing: false, t }));
      return b;
    });
    strip.replaceChildren(...cells);
    stripNotes.textContent = w('stripNote') + (s.mode === 'markov' ? ' ' + w('stripMarkov') : '');
  }

  // ---- Formulas (MathML) ---------------------------------------------------------------
  function m(tag, ...kids) {
    const e = document.createElementNS(MML, tag);
    for (const k of kids) e.append(typeof k === 'string' ? k : k);
    return e;
  }
  const mi = (s) => m('mi', s), mo = (s) => m('mo', s), mn = (s) => m('mn', s);
  const sub = (a, b) => m('msub', typeof a === 'string' ? mi(a) : a, typeof b === 'string' ? (/^[0-9]+$/.test(b) ? mn(b) : mi(b)) : b);
  const sqrt = (...k) => m('msqrt', ...k);
  const bar = (s) => m('mover', mi(s), mo('¯'));
  const row = (...k) => m('mrow', ...k);
  const num = (v) => mn(fmt(v, 4));
  function xsub(t) { return sub('x', String(t)); }
  function tm1(t) { return typeof t === 'number' ? String(t - 1) : row(mi('t'), mo('−'), mn('1')); }

  function formulaRows(s, r) {
    const T = s.t;
    const abPrev = T >= 2 && table ? table.alphaBar[T - 2] : 1;
    const rows = [];
    const q = (a, b) => row(mi('q'), mo('('), a, mo('|'), b, mo(')'));
    const N = (mean, v) => row(mi('𝒩'), mo('('), mean, mo(','), v, mi('I'), mo(')'));
    // One step.
    rows.push(['fOneStep', row(q(sub('x', 't'), sub('x', tm1('t'))), mo('='), N(row(sqrt(sub('α', 't')), sub('x', tm1('t'))), row(mo('('), mn('1'), mo('−'), sub('α', 't'), mo(')')))),
      T >= 1 ? row(q(xsub(T), sub('x', tm1(T))), mo('='), N(row(num(Math.sqrt(r.alpha)), sub('x', tm1(T))), num(r.beta))) : null]);
    // Any step at once.
    const abt = sub(bar('α'), 't');
    rows.push(['fClosed', row(q(sub('x', 't'), sub('x', '0')), mo('='), N(row(sqrt(abt), sub('x', '0')), row(mo('('), mn('1'), mo('−'), sub(bar('α'), 't'), mo(')')))),
      row(q(xsub(T), sub('x', '0')), mo('='), N(row(num(r.sqrtAlphaBar), sub('x', '0')), num(1 - r.alphaBar)))]);
    // ᾱ_t as a product.
    const prod = m('munderover', mo('∏'), row(mi('s'), mo('='), mn('1')), mi('t'));
    rows.push(['fProduct', row(sub(bar('α'), 't'), mo('='), prod, sub('α', 's'), mo('='), row(mo('('), mn('1'), mo('−'), sub('β', 't'), mo(')')), sub(bar('α'), tm1('t'))),
      T >= 1
        ? row(sub(bar('α'), String(T)), mo('='), row(mo('('), mn('1'), mo('−'), num(r.beta), mo(')')), mo('·'), num(abPrev), mo('='), num(r.alphaBar))
        : row(sub(bar('α'), '0'), mo('='), mn('1'))]);
    // β̃_t.
    const frac = m('mfrac', row(mn('1'), mo('−'), sub(bar('α'), tm1('t'))), row(mn('1'), mo('−'), sub(bar('α'), 't')));
    rows.push(['fPosterior', row(sub(m('mover', mi('β'), mo('~')), 't'), mo('='), frac, sub('β', 't')),
      T >= 1 ? row(sub(m('mover', mi('β'), mo('~')), String(T)), mo('='), m('mfrac', row(mn('1'), mo('−'), num(abPrev)), row(mn('1'), mo('−'), num(r.alphaBar))), mo('·'), num(r.beta), mo('='), num(r.posteriorVariance)) : null]);
    return rows;
  }

  function refreshFormulas(s, r) {
    const items = formulaRows(s, r).map(([key, general, live]) => {
      const g = m('math', general);
      g.setAttribute('display', 'block');
      const box = el('div', { class: 'formula' }, text('h4', key), g);
      if (live) {
        const l = m('math', live);
        l.setAttribute('display', 'block');
        l.setAttribute('class', 'live');
        box.append(l);
      }
      return box;
    });
    formulas.replaceChildren(...items);
  }

  // ---- Pane labels over the canvas ---------------------------------------------------
  function refreshPaneLabels(s) {
    const r = page.call('panes');
    if (s.compare === 'none') { paneLabels.replaceChildren(); return; }
    paneLabels.replaceChildren(...r.kinds.map((kind, i) => {
      const rect = r.rects[i];
      const d = el('div', { class: `pane-label pane-${i}` });
      d.textContent = paneName(kind, s);
      d.style.left = `${(rect.x * 100).toFixed(3)}%`;
      d.style.top = `${(rect.y * 100).toFixed(3)}%`;
      d.style.maxWidth = `${(rect.w * 100).toFixed(3)}%`;
      return d;
    }));
  }

  // ---- Teacher's path ------------------------------------------------------------------------
  // Each stop sets a state and names the one chart presentation mode shows
  // with it (web/present.js; the names are wasm/app/path.go's Charts).
  const STOPS = [
    { id: 't0', chart: 'histogram', patch: () => ({ compare: 'none', t: 0 }) },
    { id: 'alphabar', chart: 'alphabar', patch: (s) => ({ compare: 'none', t: Math.round(s.T / 4) }) },
    { id: 'cross', chart: 'coef', patch: (s, st) => ({ compare: 'none', t: st.crossing === null ? Math.round(s.T / 2) : Math.round(st.crossing) }) },
    { id: 'tT', chart: 'histogram', patch: (s) => ({ compare: 'none', t: s.T }) },
    { id: 'residual', chart: 'residual', patch: (s) => ({ compare: 'none', t: s.T }) },
    { id: 'modes', chart: 'histogram', patch: (s) => ({ compare: 'modes', t: Math.round(s.T / 2) }) },
    { id: 'wrong', chart: 'histogram', patch: (s) => ({ compare: 'wrongsum', t: Math.round(s.T / 5) }) },
    { id: 'norm', chart: 'histogram', patch: (s) => ({ compare: 'normalise', t: s.T }) },
    { id: 'schedules', chart: 'alphabar', patch: (s) => ({ compare: 'schedules', compareSchedule: s.schedule === 'cosine' ? 'linear' : 'cosine', t: Math.round(s.T / 2) }) },
    { id: 'spectrum', chart: 'spectrum', patch: (s) => ({ compare: 'none', t: Math.round(s.T / 5) }) },
  ];
  // A teacher's own path (web/present.js loads it; Go validated it):
  // [{state, text: {en, ko}, chart}], or null for the built-in one. Going
  // to its stop i applies the patches of stops 1..i in one, so that a stop
  // shows the same wherever the walk comes from.
  let custom = null;
  const pathLength = () => (custom ? custom.length : STOPS.length);
  function stopPatch(i) {
    if (!custom) return STOPS[i].patch(page.call('getState'), page.call('stats'));
    return Object.assign({}, ...custom.slice(0, i + 1).map((c) => c.state));
  }
  function stopInfo(i) {
    if (i < 0) return null;
    if (custom) {
      const c = custom[i];
      return { name: '', text: c.text[page.lang()] || c.text.en, chart: c.chart };
    }
    const [name, text] = w('stops')[STOPS[i].id];
    return { name, text, chart: STOPS[i].chart, id: STOPS[i].id };
  }
  const tourListeners = [];
  let stop = -1;
  // The lesson runs from the first stop until Escape: while it runs, Page
  // Up/Down walk the stops and Home/End set t wherever the focus is (a
  // presenter's clicker); otherwise they do only while the stage has the
  // focus, and scroll the page as usual.
  let lesson = false;
  if (page.lessonRunning) page.lessonRunning(() => lesson);
  const embedded = document.documentElement.classList.contains('embed');
  function goStop(i) {
    if (!page.isReady()) return;
    lesson = true;
    stop = Math.min(pathLength() - 1, Math.max(0, i));
    if (page.tryPatch(Object.assign({ playing: false }, stopPatch(stop)))) {
      const presenting = document.documentElement.classList.contains('presenting');
      if (!custom && STOPS[stop].id === 'spectrum' && !presenting) specSvg.scrollIntoView({ block: 'nearest' });
    }
    showStop();
  }
  function showStop() {
    const info = stopInfo(stop);
    if (!info) {
      tourName.textContent = w('tourStart');
      tourText.textContent = '';
    } else {
      tourName.textContent = custom ? w('tourOfCustom')(stop + 1, pathLength()) : w('tourOf')(stop + 1, pathLength(), info.name);
      tourText.textContent = info.text;
    }
    tourPrev.disabled = stop <= 0;
    tourNext.disabled = stop >= pathLength() - 1;
    for (const fn of tourListeners) {
      try { fn(); } catch (e) { page.showError(String(e.message || e)); }
    }
  }
  // The teacher's path, for presentation mode (web/present.js).
  page.tour = {
    count: pathLength,
    index: () => stop,
    info: () => stopInfo(stop),
    go: goStop,
    next: () => goStop(stop + 1),
    prev: () => goStop(stop - 1),
    // use(stops): walk a teacher's own path (validated by Go), from before
    // its first stop; use(null): the built-in path again.
    use(stops) { custom = stops; stop = -1; showStop(); },
    custom: () => custom !== null,
    onChange(fn) { tourListeners.push(fn); },
    // The lesson runs (binds Page Up/Down and Home/End) while set.
    setLesson(on) { lesson = on; },
    lesson: () => lesson,
    chartElement: (name) => chartElements()[name] || null,
    enableInstruments() {
      if (!enabled) onBox.querySelector('input').click();
    },
  };
  tourNext.addEventListener('click', () => goStop(stop + 1));
  tourPrev.addEventListener('click', () => goStop(stop - 1));
  function onKey(e) {
    // An embed shows no teacher's path: its keys are the host page's.
    if (embedded || e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    const paging = e.key === 'PageDown' || e.key === 'PageUp';
    if (paging && !page.pageKeysBound()) return;
    if (e.key === 'n' || e.key === 'N' || e.key === 'PageDown') goStop(stop + 1);
    else if (e.key === 'p' || e.key === 'P' || e.key === 'PageUp') goStop(stop - 1);
    else if (e.key === 'Escape' && lesson) lesson = false; // presentation mode leaves too (web/present.js)
    else return;
    e.preventDefault();
  }
  document.addEventListener('keydown', onKey);
  // Keys pressed while the canvas (in the stage iframe) has focus reach the
  // page through dissolveHost.key; pass them on here too.
  if (window.dissolveHost && typeof window.dissolveHost.key === 'function') {
    const relay = window.dissolveHost.key;
    window.dissolveHost.key = (e) => { relay(e); onKey(e); };
  }

  // ---- Controls --------------------------------------------------------------------------------
  compareSel.addEventListener('change', () => page.tryPatch({ compare: compareSel.value }));
  compareSchedSel.addEventListener('change', () => page.tryPatch({ compareSchedule: compareSchedSel.value, compare: 'schedules' }));
  allBox.querySelector('input').addEventListener('change', () => { if (curves && lastState) drawSchedulePlots(lastState); moveCursor(lastState); });
  logBox.querySelector('input').addEventListener('change', () => { if (curves && lastState) drawSchedulePlots(lastState); moveCursor(lastState); });
  onBox.querySelector('input').addEventListener('change', (e) => {
    enabled = e.target.checked;
    body.hidden = !enabled;
    if (enabled) { curvesKey = ''; stripKey = ''; lastSpecKey = ''; histKinds = []; }
  });

  // ---- Each frame -------------------------------------------------------------------------------
  page.on('lang', () => {
    curvesKey = ''; stripKey = ''; lastSpecKey = ''; lastPanesKey = ''; lastFormulaAt = 0;
    relabelAll = true;
    showStop();
    if (histReport && lastState) drawHistogram(lastState);
  });

  // Main-thread time of the instruments per frame (ms), for make bench:
  // window.dissolveInstruments.timing() → {frames, p50, p95, max} over the
  // last 600 frames.
  const spent = [];
  window.dissolveInstruments = {
    timing() {
      const v = spent.slice().sort((a, b) => a - b);
      const q = (f) => (v.length ? v[Math.min(v.length - 1, Math.floor(f * v.length))] : 0);
      return { frames: v.length, p50: q(0.5), p95: q(0.95), max: v.length ? v[v.length - 1] : 0 };
    },
    reset() { spent.length = 0; },
    // refreshAll refreshes every part at the next frame, on screen or not
    // (for a screenshot of the whole page).
    refreshAll() { relabelAll = histStale = formulasStale = true; lastSpecKey = ''; },
  };

  // Parts off screen are not refreshed (nothing to see), and catch up when
  // they come into view.
  const visible = new Map();
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) visible.set(e.target, e.isIntersecting);
  });
  let relabelAll = false; // after a change of language: refresh every part once
  const seen = (node) => relabelAll || visible.get(node) !== false;
  for (const node of [plots, histSvg, specSvg, formulas]) io.observe(node);

  page.on('frame', (frame) => {
    const began = performance.now();
    try { onFrame(frame); } finally {
      spent.push(performance.now() - began);
      if (spent.length > 600) spent.shift();
    }
  });

  function onFrame(frame) {
    const s = frame.state;
    const r = frame.readout;
    lastState = s;
    if (document.activeElement !== compareSel) compareSel.value = s.compare;
    if (document.activeElement !== compareSchedSel) compareSchedSel.value = s.compareSchedule;
    compareSchedSel.disabled = false;

    const panesKey = JSON.stringify([s.compare, s.mode, s.compareSchedule, s.schedule, s.size, s.image, page.lang(), innerWidth, innerHeight]);
    if (panesKey !== lastPanesKey) {
      lastPanesKey = panesKey;
      // The canvas lays the panes out at its next draw: ask after it.
      requestAnimationFrame(() => requestAnimationFrame(() => { try { refreshPaneLabels(s); } catch (e) { page.showError(e.message); } }));
    }
    if (!enabled) return;

    // At most one heavy refresh per frame (curves, histogram, spectrum,
    // formulas, in that order): the others stay stale for the next frame,
    // so that no frame carries them all (after a new picture, say).
    let heavy = false;
    const sk = scheduleKey(s);
    if (sk !== curvesKey) {
      heavy = !relabelAll;
      curvesKey = sk;
      curves = page.call('scheduleCurves');
      const tab = page.call('schedule');
      table = tab;
      tableKey = sk;
      drawSchedulePlots(s);
    }
    const picKey = [s.image, s.size, s.seed].join('|');
    if (picKey !== x0StdCache.key || frame.changed) {
      x0StdCache = { key: picKey, v: page.call('x0Stats').std };
    }
    if (s.t !== lastT && seen(plots)) moveCursor(s);
    else if (s.t !== lastT) lastCursorStale = true;
    if (lastCursorStale && seen(plots)) { lastCursorStale = false; moveCursor(s); }

    const now = performance.now();
    // While playing, the readouts refresh a little less often.
    const histEvery = s.playing ? 200 : 100;
    if (frame.changed || s.t !== lastT) { histStale = formulasStale = true; histFresh = new Set(); }
    if (!heavy && histStale && seen(histSvg) && (relabelAll || now - lastHistAt > histEvery)) {
      heavy = !relabelAll;
      lastHistAt = now;
      // Stale until every pane is drawn (a paused comparison too).
      histStale = !refreshHistogram(s);
    }
    const specKey = [s.t, s.mode, sk, picKey].join('|');
    if (!heavy && specKey !== lastSpecKey && (relabelAll || now - lastSpecAt > 250) && seen(specSvg)) {
      heavy = !relabelAll;
      lastSpecAt = now;
      lastSpecKey = specKey;
      refreshSpectrum();
    }
    const stKey = [sk, picKey, s.mode, page.lang()].join('|');
    if (stKey !== stripKey) {
      stripKey = stKey;
      clearTimeout(stripTimer);
      stripTimer = setTimeout(() => { try { refreshStrip(lastState); } catch (e) { page.showError(e.message); } }, 150);
    }
    if (!heavy && formulasStale && seen(formulas) && (relabelAll || now - lastFormulaAt > (s.playing ? 250 : 100))) {
      formulasStale = false;
      lastFormulaAt = now;
      refreshFormulas(s, r);
    }
    lastT = s.t;
    relabelAll = false;
  }

  showStop();
})();
