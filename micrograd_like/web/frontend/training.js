// The training view's front-end: Play / Pause / Step / Reset, the network's settings, the loss
// and accuracy, the decision boundary and the loss curve, drawn here from the numbers Python
// sends (the state of micrograd_like.web.training_panel), and one point's chain rule.
//
// The boundary is a grid of each class's probability: each cell is painted in the classes'
// colours mixed by those probabilities, paler than the points drawn over it.

import { mglButton, mglElement, mglFollow, mglRoot } from "./drawing.js";
import { renderStepper } from "./stepper.js";

const TRAINING_SIZE = 400;  // the boundary's canvas, CSS pixels
const TRAINING_SVG = "http://www.w3.org/2000/svg";

function trainingRgb(colour) {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
}

function trainingBoundary(canvas, boundary) {
  const scale = window.devicePixelRatio || 1;
  canvas.width = canvas.height = TRAINING_SIZE * scale;
  const context = canvas.getContext("2d");
  context.scale(scale, scale);
  const { x: [x0, x1], y: [y0, y1], probabilities, points, colours } = boundary;
  const rgbs = colours.map(trainingRgb);
  const rows = probabilities[0].length, columns = probabilities[0][0].length;
  const w = TRAINING_SIZE / columns, h = TRAINING_SIZE / rows;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < columns; i++) {
      const mixed = [0, 1, 2].map((c) => rgbs.reduce((sum, rgb, k) => sum + probabilities[k][j][i] * rgb[c], 0));
      const pale = mixed.map((v) => Math.round(255 - 0.55 * (255 - v)));  // the points stay visible
      context.fillStyle = `rgb(${pale.join(",")})`;
      context.fillRect(i * w, TRAINING_SIZE - (j + 1) * h, w + 0.5, h + 0.5);  // row 0 at the bottom
    }
  }
  context.lineWidth = 1.2;
  context.strokeStyle = "#fff";
  for (const [x, y, label] of points) {
    context.beginPath();
    context.arc((x - x0) / (x1 - x0) * TRAINING_SIZE, TRAINING_SIZE - (y - y0) / (y1 - y0) * TRAINING_SIZE, 5, 0,
      2 * Math.PI);
    context.fillStyle = colours[label % colours.length];
    context.fill();
    context.stroke();
  }
}

function trainingSvg(tag, attributes = {}, text = "") {
  const element = document.createElementNS(TRAINING_SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text) element.textContent = text;
  return element;
}

function trainingCurve(losses, steps) {
  const width = 440, height = 300, left = 56, right = 12, top = 12, bottom = 44;
  const last = Math.max(10, steps), highest = Math.max(...losses) * 1.05 || 1;
  const x = (step) => left + step / last * (width - left - right);
  const y = (loss) => top + (1 - loss / highest) * (height - top - bottom);
  const every = losses.length > 1 ? steps / (losses.length - 1) : 1;  // the losses sent may be thinned
  const line = losses.map((loss, k) => `${x(k * every).toFixed(1)},${y(loss).toFixed(1)}`).join(" ");
  const svg = trainingSvg("svg", { viewBox: `0 0 ${width} ${height}`, class: "mgl-curve",
    style: `width:100%;max-width:${width}px;font-size:14px` });
  svg.append(
    trainingSvg("line", { x1: left, y1: y(0), x2: width - right, y2: y(0), stroke: "#8c959f" }),
    trainingSvg("line", { x1: left, y1: top, x2: left, y2: y(0), stroke: "#8c959f" }),
    trainingSvg("polyline", { points: line, fill: "none", stroke: "#1f2328", "stroke-width": 2 }),
    trainingSvg("circle", { cx: x(steps), cy: y(losses[losses.length - 1]), r: 4, fill: "#1f2328" }),
    trainingSvg("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, highest.toFixed(2)),
    trainingSvg("text", { x: left - 6, y: y(0), "text-anchor": "end" }, "0"),
    trainingSvg("text", { x: left, y: height - 22, "text-anchor": "middle" }, "0"),
    trainingSvg("text", { x: width - right, y: height - 22, "text-anchor": "end" }, String(last)),
    trainingSvg("text", { x: (left + width) / 2, y: height - 4, "text-anchor": "middle" }, "step"));
  return svg;
}

// The chain-rule panel's model: the stepper's state nested in this one's `chain`, its moves sent
// as messages {chain: {position: 3}}; what it set is read back until Python answers.
function trainingChainModel(model) {
  const callbacks = new Set();
  let local = {};
  model.on("change:chain", () => { local = {}; for (const callback of callbacks) callback(); });
  return {
    get: (name) => (name === "_viz" ? model.get("_viz") : name in local ? local[name] : (model.get("chain") || {})[name]),
    set: (name, value) => { local[name] = value; },
    save_changes: () => model.send({ chain: { ...local } }),
    on: (event, callback) => callbacks.add(callback),
    off: (event, callback) => callbacks.delete(callback),
    send: (content) => model.send({ chain: content }),
  };
}

function trainingSelect(model, name, choices, words) {
  const select = mglElement("select");
  select.addEventListener("change", () => {
    const chosen = model.get(choices)[select.selectedIndex];
    model.set(name, chosen);
    model.save_changes();
  });
  const redraw = () => {
    const options = model.get(choices).map((value) => mglElement("option", { textContent: String(value) }));
    select.replaceChildren(...options);
    select.selectedIndex = model.get(choices).indexOf(model.get(name));
  };
  return [mglElement("label", {}, [words, select]), redraw];
}

export function renderTraining({ model, el }) {
  const root = mglRoot(el, "playground");
  const press = (what) => model.send({ press: what });
  const play = mglButton("Play", "train, one step per frame", () => press(model.get("playing") ? "pause" : "play"), true);
  const step = mglButton("Step", "one update", () => press("step"));
  const reset = mglButton("Reset", "new weights, same settings", () => press("reset"));
  const status = mglElement("span", { className: "mgl-status", style: "font-size:17px;margin-left:12px" });

  const selects = [["learning_rate", "learning_rates", "learning rate"], ["activation", "activations", "activation"],
    ["init", "inits", "init"], ["dataset", "datasets", "data"]].map((args) => trainingSelect(model, ...args));
  const hidden = mglElement("input", { type: "text", placeholder: "8, 8", style: "width:7em" });
  hidden.addEventListener("change", () => { model.set("hidden", hidden.value); model.save_changes(); });
  const noise = mglElement("input", { type: "range", style: "width:140px" });
  const noiseReadout = mglElement("span", { className: "mgl-readout" });
  noise.addEventListener("input", () => { noiseReadout.textContent = Number(noise.value).toFixed(2); });
  noise.addEventListener("change", () => { model.set("noise", Number(noise.value)); model.save_changes(); });
  const point = mglElement("input", { type: "number", min: 0, step: 1, style: "width:5em" });
  point.addEventListener("change", () => {
    const chosen = Math.round(Number(point.value));
    if (Number.isFinite(chosen) && chosen >= 0 && chosen < model.get("points")) {
      model.set("point", chosen);
      model.save_changes();
    } else point.value = model.get("point");
  });
  const chain = mglButton("show the chain rule for one point", "the backward pass of this point's loss, step by step",
    () => press("chain"));
  const message = mglElement("div", { className: "mgl-message", style: "font-size:15px;color:#b42318" });
  const canvas = mglElement("canvas", { className: "mgl-boundary",
    style: `width:100%;max-width:${TRAINING_SIZE}px;aspect-ratio:1;display:block` });
  const classes = mglElement("div", { className: "mgl-classes mgl-row", style: "font-size:15px" });
  const curve = mglElement("div");
  const chainArea = mglElement("div", { className: "mgl-point-area" });
  let closeChain = null;  // the chain-rule panel's, while it is open
  const chainModel = trainingChainModel(model);

  const title = (words) => mglElement("div", { textContent: words, style: "font-size:16px;font-weight:600" });
  root.append(
    mglElement("div", { className: "mgl-row" }, [play, step, reset, status]),
    mglElement("div", { className: "mgl-row" }, [selects[0][0], mglElement("label", {}, ["hidden layers", hidden]),
      selects[1][0], selects[2][0]]),
    mglElement("div", { className: "mgl-row" }, [selects[3][0], mglElement("label", {}, ["noise", noise, noiseReadout])]),
    message,
    mglElement("div", { className: "mgl-row mgl-picture", style: "align-items:flex-start;gap:16px" }, [
      mglElement("div", { style: `flex:1 1 300px;max-width:${TRAINING_SIZE}px` },
        [title("decision boundary"), canvas, classes]),
      mglElement("div", { style: "flex:1 1 360px;max-width:460px" }, [title("loss (softmax cross-entropy)"), curve]),
    ]),
    mglElement("div", { className: "mgl-row" }, [mglElement("label", {}, ["point", point]), chain]),
    chainArea);

  const stopFollowing = mglFollow(model, ["playing", "steps_done", "loss", "accuracy", "losses", "learning_rate",
    "dataset", "noise", "hidden", "activation", "init", "point", "points", "message", "boundary", "chain"], () => {
    const playing = model.get("playing");
    play.textContent = playing ? "Pause" : "Play";
    step.disabled = playing;
    status.innerHTML = `step <b>${model.get("steps_done")}</b> · loss <b class="mgl-loss">`
      + `${model.get("loss").toFixed(4)}</b> · accuracy <b>${Math.round(100 * model.get("accuracy"))}%</b>`;
    for (const [, redraw] of selects) redraw();
    hidden.value = model.get("hidden");
    hidden.title = model.get("hidden_title");
    const [least, most, by] = model.get("noise_range");
    Object.assign(noise, { min: least, max: most, step: by });
    noise.value = model.get("noise");
    noiseReadout.textContent = Number(model.get("noise")).toFixed(2);
    point.max = model.get("points") - 1;
    point.value = model.get("point");
    message.textContent = model.get("message");
    const boundary = model.get("boundary");
    trainingBoundary(canvas, boundary);
    classes.replaceChildren(...boundary.colours.map((colour, k) => mglElement("span", {}, [
      mglElement("span", { style: `display:inline-block;width:14px;height:14px;border-radius:7px;background:${colour};`
        + "border:1px solid #fff;outline:1px solid #8c959f;vertical-align:-2px;margin-right:5px" }), `class ${k}`])));
    curve.replaceChildren(trainingCurve(model.get("losses"), model.get("steps_done")));
    const open = Object.keys(model.get("chain") || {}).length > 0;
    if (open && closeChain === null) closeChain = renderStepper({ model: chainModel, el: chainArea });
    if (!open && closeChain !== null) {
      closeChain();
      closeChain = null;
      chainArea.replaceChildren();
    }
  });
  return () => { if (closeChain !== null) closeChain(); stopFollowing(); };
}

export default { render: renderTraining };
