// The stepper's front-end: Previous / Next / Reset, a step slider, Play at a chosen pace, zoom,
// the step's words, the drawing and its legend (the state of micrograd_like.web.stepper_panel).
//
// Every move sets `position`; Python moves the stepper there, so the Values in the kernel follow,
// and sends back the step's words and drawing.  Python keeps `position` where the stepper really
// is (code may move it), so Next always goes on from there.

import { mglButton, mglElement, mglFollow, mglRoot, mglShowDrawing } from "./drawing.js";

export function renderStepper({ model, el }) {
  const root = mglRoot(el, "stepper");
  let timer = null;  // Play's, while playing

  const moveTo = (position) => {
    const last = model.get("steps");
    model.set("position", Math.max(0, Math.min(last, position)));
    model.save_changes();
  };
  const stopPlaying = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = "Play";
    play.title = "apply a step at the pace chosen";
  };
  const tick = () => {
    if (model.get("position") >= model.get("steps")) stopPlaying();
    else moveTo(model.get("position") + 1);
  };
  const startPlaying = () => {
    if (model.get("position") >= model.get("steps")) moveTo(0);  // at the end: play it again
    timer = setInterval(tick, model.get("pace") * 1000);
    play.textContent = "Pause";
    play.title = "stop here";
  };

  const reset = mglButton("Reset", "back to the start", () => moveTo(0));
  const previous = mglButton("Previous", "undo one step", () => moveTo(model.get("position") - 1));
  const next = mglButton("Next", "apply the next step", () => moveTo(model.get("position") + 1), true);
  const play = mglButton("Play", "", () => (timer === null ? startPlaying() : stopPlaying()));
  play.classList.add("mgl-play");
  const stop = mglButton("Stop (to step 0)", "stop playing and go back to the start", () => {
    stopPlaying();
    moveTo(0);
  });
  stop.classList.add("mgl-stop");
  stopPlaying();  // Play's words and title

  const slider = mglElement("input", { type: "range", min: 0, step: 1, className: "mgl-slider",
    style: "width:160px", title: "the step to show" });
  slider.addEventListener("change", () => moveTo(Number(slider.value)));
  const at = mglElement("span", { className: "mgl-readout" });
  const pace = mglElement("input", { type: "range", min: 0.2, max: 3, step: 0.1, style: "width:180px",
    title: "seconds per step, when playing" });
  const paceReadout = mglElement("span", { className: "mgl-readout" });
  pace.addEventListener("input", () => { paceReadout.textContent = Number(pace.value).toFixed(1); });
  pace.addEventListener("change", () => {
    model.set("pace", Number(pace.value));
    model.save_changes();
    if (timer !== null) { stopPlaying(); startPlaying(); }  // the new pace at once
  });
  const zoom = mglButton("Zoom to the step", "only the step's node and its operands, large (off: the whole graph)",
    () => { model.set("zoom", !model.get("zoom")); model.save_changes(); });
  zoom.classList.add("mgl-zoom");

  const words = mglElement("div", { className: "mgl-words-box" });
  const drawing = mglElement("div", { className: "mgl-drawing" });
  const legend = mglElement("div");
  root.append(
    mglElement("div", { className: "mgl-row" }, [
      reset, previous, next, play, stop,
      mglElement("label", {}, ["step", slider, at]),
      mglElement("label", { className: "mgl-pace" }, ["s / step", pace, paceReadout]),
      zoom,
    ]),
    words, drawing, legend);

  const stopFollowing = mglFollow(model, ["position", "steps", "words", "svg", "dot", "note", "legend", "zoom", "pace"],
    () => {
      const position = model.get("position"), steps = model.get("steps");
      previous.disabled = position <= 0;
      next.disabled = position >= steps;
      slider.max = steps;
      slider.value = position;
      at.textContent = `${position}/${steps}`;
      pace.value = model.get("pace");
      paceReadout.textContent = Number(model.get("pace")).toFixed(1);
      zoom.classList.toggle("mod-active", Boolean(model.get("zoom")));
      zoom.setAttribute("aria-pressed", String(Boolean(model.get("zoom"))));
      words.innerHTML = model.get("words");
      legend.innerHTML = model.get("legend");
      mglShowDrawing(drawing, { svg: model.get("svg"), dot: model.get("dot"), note: model.get("note") }, model);
    });
  return () => { stopPlaying(); stopFollowing(); };
}

export default { render: renderStepper };
