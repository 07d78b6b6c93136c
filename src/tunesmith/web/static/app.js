// The page talks only to this server: styles, generation, rendered files. Nothing else is
// fetched, so it works offline (audio is rendered on the server, not by a web synth).
"use strict";

const $ = (id) => document.getElementById(id);
const HISTORY = "tunesmith-history";  // the pieces made in this browser, kept across reloads
const KEPT = 50;
const FIELDS = ["prompt", "key", "meter", "bars", "tempo", "voices", "seed", "lyrics", "start"];

function slug(text) {
  return (text || "piece").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "").slice(0, 40) || "piece";
}

function stored() {
  try { return JSON.parse(localStorage.getItem(HISTORY) || "[]"); } catch { return []; }
}

async function loadStyles() {
  const response = await fetch("/api/styles");
  if (!response.ok) return;
  const styles = await response.json();
  const list = $("styles");
  for (const style of styles) {
    for (const name of [style.name, ...style.aliases]) {
      const option = document.createElement("option");
      option.value = name;
      list.append(option);
    }
  }
  const popular = styles.filter((s) => s.dimension !== "meter" && s.train_tunes > 0)
    .sort((a, b) => b.train_tunes - a.train_tunes).slice(0, 10);
  for (const style of popular) {
    const button = document.createElement("button");
    button.type = "button";
    const chinese = style.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
    button.textContent = chinese ? `${style.name} · ${chinese}` : style.name;
    button.addEventListener("click", () => {
      $("prompt").value = ($("prompt").value + " " + style.name).trim();
    });
    $("suggestions").append(button);
  }
}

function request() {
  const body = { prompt: $("prompt").value, bars: Number($("bars").value || 32),
                 formats: ["mid", "wav", "svg", "musicxml"] };
  for (const name of ["key", "meter"]) if ($(name).value.trim()) body[name] = $(name).value.trim();
  for (const name of ["tempo", "voices", "seed"]) if ($(name).value !== "") body[name] = Number($(name).value);
  if ($("start").value.trim()) body.start = $("start").value;
  if ($("lyrics").value.trim()) body.lyrics = $("lyrics").value;
  return body;
}

function show(answer, piece) {
  $("result").hidden = false;
  $("title").textContent = piece.title;
  const labels = Object.entries(answer.controls.labels).map(([d, v]) => `${d}=${v}`);
  const failed = Object.entries(piece.failed || {}).map(([f, why]) => `no ${f}: ${why}`);
  $("read-as").textContent = `seed ${piece.seed} · ${labels.join(", ")}` +
    [...piece.remarks, ...failed].map((n) => ` · ${n}`).join("");
  const score = document.createElement("img");
  score.className = "score";
  score.alt = `score of ${piece.title}`;
  score.src = piece.files.svg;
  $("score").replaceChildren(...(piece.files.svg ? [score] : []));
  if (piece.files.wav) $("player").src = piece.files.wav;
  else $("player").removeAttribute("src");
  $("downloads").replaceChildren(...Object.entries(piece.files).map(([format, url]) => {
    const link = document.createElement("a");
    link.href = url;
    link.download = `${slug(piece.title)}-seed${piece.seed}.${url.split(".").pop()}`;
    link.textContent = format.toUpperCase();
    return link;
  }));
  $("abc").textContent = piece.abc;
}

function listed(answer, piece) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = "#";
  link.textContent = `${piece.title} (seed ${piece.seed})`;
  link.addEventListener("click", (event) => { event.preventDefault(); show(answer, piece); });
  item.append(link);
  $("history").prepend(item);
}

function remember(answer, piece, asked) {
  listed(answer, piece);
  const kept = [...stored(), { answer: { controls: answer.controls }, piece, asked }];
  try { localStorage.setItem(HISTORY, JSON.stringify(kept.slice(-KEPT))); } catch { /* full */ }
}

// a piece's link: the request that made it, with the seed it got, in the URL's query
function share(asked, seed) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...asked, seed })) {
    if (FIELDS.includes(name) && value !== undefined && value !== "") query.set(name, value);
  }
  history.replaceState(null, "", `?${query}`);
}

$("compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("generate").disabled = true;
  $("status").textContent = "composing…";
  $("status").className = "";
  try {
    const asked = request();
    const response = await fetch("/api/generate", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(asked),
    });
    const answer = await response.json();
    if (!response.ok) {
      const detail = Array.isArray(answer.detail)
        ? answer.detail.map((d) => `${d.loc.slice(-1)[0]}: ${d.msg}`).join("; ") : answer.detail;
      $("status").textContent = `could not compose: ${detail}`;
      $("status").className = "error";
      return;
    }
    $("status").textContent = `done in ${answer.seconds.toFixed(1)} s`;
    for (const piece of answer.pieces) remember(answer, piece, asked);
    share(asked, answer.seed);
    show(answer, answer.pieces[0]);
  } catch (error) {
    $("status").textContent = `could not reach the server: ${error}`;
    $("status").className = "error";
  } finally {
    $("generate").disabled = false;
  }
});

loadStyles();
for (const { answer, piece } of stored()) listed(answer, piece);
// opened from a piece's link: the same request and seed, so the same piece
const linked = new URLSearchParams(location.search);
if (FIELDS.some((name) => linked.has(name))) {
  for (const name of FIELDS) if (linked.has(name)) $(name).value = linked.get(name);
  if (linked.has("lyrics")) $("lyrics-box").open = true;
  if (linked.has("start")) $("opening-box").open = true;
  $("compose").requestSubmit();
}
