// A small live chart of the server: publishes/s, subscribers and drops/s,
// from /metrics every two seconds, as three sparklines drawn on canvases.
// /metrics is readable only where --metrics-allow lets this user read it
// (docs/OPERATIONS.md): a refusal hides the chart and says why.

const periodMs = 2000;
const samples = 60;  // two minutes

// Sums of the samples of `name` (every label set) on a text-format page.
function sums(page, names) {
  const totals = Object.fromEntries(names.map((n) => [n, 0]));
  for (const line of page.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const name = line.match(/^[a-zA-Z_:][a-zA-Z0-9_:]*/)?.[0];
    if (!(name in totals)) continue;
    if (name === "hookbot_publishes_total" && !line.includes('code="200"')) continue;
    totals[name] += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return totals;
}

function readPage(page, time) {
  const totals = sums(page, ["hookbot_publishes_total", "hookbot_subscribers",
                             "hookbot_drops_total"]);
  return {
    time,
    published: totals.hookbot_publishes_total,
    subscribers: totals.hookbot_subscribers,
    dropped: totals.hookbot_drops_total,
  };
}

function draw(canvas, values) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  if (values.length < 2) return;
  const top = Math.max(1, ...values);
  const step = width / (samples - 1);
  const x0 = width - step * (values.length - 1);
  context.beginPath();
  values.forEach((value, i) => {
    const y = height - 2 - (value / top) * (height - 4);
    if (i === 0) context.moveTo(x0, y);
    else context.lineTo(x0 + i * step, y);
  });
  context.strokeStyle = getComputedStyle(canvas).color;
  context.lineWidth = 1.5;
  context.stroke();
  // The area under the line, faintly: a run of zeros still shows.
  context.lineTo(width, height);
  context.lineTo(x0, height);
  context.closePath();
  context.globalAlpha = 0.15;
  context.fillStyle = context.strokeStyle;
  context.fill();
  context.globalAlpha = 1;
}

export class MetricsChart {
  // `panel` holds canvases and outputs with data-metric="publishes",
  // "subscribers", "drops"; `note` says why the chart is hidden.
  constructor(panel, note, tokenOf) {
    this.panel = panel;
    this.note = note;
    this.tokenOf = tokenOf;  // the subscription's token: a "/" token may open /metrics
    this.previous = null;
    this.series = { publishes: [], subscribers: [], drops: [] };
  }

  // Polls for the life of the page; not while it is hidden in a background tab.
  start() {
    const tick = async () => {
      if (document.visibilityState === "visible") await this.poll();
      setTimeout(tick, periodMs);
    };
    tick();
  }

  async poll() {
    let response;
    try {
      const token = this.tokenOf();
      response = await fetch("/metrics", {
        cache: "no-store",
        credentials: "omit",
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
    } catch {
      return this.hide("/metrics cannot be reached.");
    }
    if (!response.ok) {
      return this.hide(`/metrics is not readable from here (${response.status}): the server's ` +
                       "--metrics-allow decides who may read it.");
    }
    this.add(readPage(await response.text(), performance.now()));
  }

  add(now) {
    this.panel.querySelector("#charts").hidden = false;
    this.note.hidden = true;
    const before = this.previous;
    this.previous = now;
    if (!before) return this.push("subscribers", now.subscribers, String);
    const seconds = Math.max(0.001, (now.time - before.time) / 1000);
    const rate = (a, b) => Math.max(0, (a - b) / seconds);
    this.push("publishes", rate(now.published, before.published), (v) => v.toFixed(1));
    this.push("subscribers", now.subscribers, String);
    this.push("drops", rate(now.dropped, before.dropped),
              (v) => `${v.toFixed(1)} (${now.dropped} in all)`);
    this.panel.dataset.showing = "metrics";
  }

  push(metric, value, format) {
    const series = this.series[metric];
    series.push(value);
    if (series.length > samples) series.shift();
    this.panel.querySelector(`output[data-metric="${metric}"]`).textContent = format(value);
    draw(this.panel.querySelector(`canvas[data-metric="${metric}"]`), series);
  }

  hide(why) {
    this.panel.dataset.showing = "note";
    this.panel.querySelector("#charts").hidden = true;
    this.note.textContent = why;
    this.note.hidden = false;
  }
}
