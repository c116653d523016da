// What every widget's front-end shares: its look, and the drawing of a graph.
//
// A panel's state carries a drawing as `svg` (laid out in Python by Graphviz's dot) and `dot`
// (its DOT source, always), or a `note` saying why there is none.  When `svg` is empty, the page
// lays `dot` out itself with Graphviz compiled to WebAssembly (@viz-js/viz), found without a
// network: `globalThis.__micrograd_like_viz` if the page put it there (an instance, or a promise
// of one), else the module text in the model's `_viz`, imported once from a Blob URL and kept
// on globalThis, so that a notebook of many widgets loads it once.

const MGL_VIZ = "__micrograd_like_viz";

// The widgets' look: words at 15-16 px, for a projector; buttons that say what they do.
const MGL_CSS = `
.mgl-widget { font-family: var(--jp-ui-font-family, system-ui, sans-serif); color: #1f2328; font-size: 15px;
  overflow: hidden; }
.mgl-widget .mgl-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; margin: 4px 0; }
.mgl-widget button { font-size: 15px; padding: 4px 12px; min-width: 84px; border: 1px solid #8c959f;
  border-radius: 4px; background: #f6f8fa; color: #1f2328; cursor: pointer; }
.mgl-widget button.mgl-primary { background: #0969da; border-color: #0969da; color: #fff; }
.mgl-widget button.mod-active { background: #ddf4ff; border-color: #0969da; }
.mgl-widget button:disabled { opacity: 0.45; cursor: default; }
.mgl-widget label { font-size: 15px; display: inline-flex; align-items: center; gap: 6px; }
.mgl-widget input, .mgl-widget select { font-size: 15px; }
.mgl-widget input[type=text], .mgl-widget input[type=number], .mgl-widget select {
  border: 1px solid #8c959f; border-radius: 3px; padding: 2px 4px; background: #fff; color: #1f2328; }
.mgl-widget input[type=range] { vertical-align: middle; }
.mgl-widget .mgl-readout { font-size: 15px; min-width: 3em; }
.mgl-widget .mgl-drawing { margin: 4px 0; }
.mgl-widget .mgl-legend svg { display: inline-block; }  /* a page's own CSS (marimo's) may make svg a block */
`;

export function mglRoot(el, kind) {
  const style = document.createElement("style");
  style.textContent = MGL_CSS;
  const root = document.createElement("div");
  root.className = `mgl-widget mgl-${kind}`;
  el.replaceChildren(style, root);
  return root;
}

export function mglElement(tag, properties = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === "style") element.style.cssText = value;
    else if (name in element) element[name] = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

export function mglButton(words, title, onClick, primary = false) {
  const button = mglElement("button", { type: "button", textContent: words, title });
  if (primary) button.classList.add("mgl-primary");
  button.addEventListener("click", onClick);
  return button;
}

export function mglLoadViz(model) {
  const kept = globalThis[MGL_VIZ];
  if (kept) return Promise.resolve(kept);
  const source = model.get("_viz") || "";
  if (!source) return Promise.reject(new Error("no Graphviz here: install it (dot) for the drawings"));
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const loading = import(url)
    .then((viz) => viz.instance())
    .then((instance) => { globalThis[MGL_VIZ] = instance; return instance; })
    .catch((error) => { delete globalThis[MGL_VIZ]; throw error; })
    .finally(() => URL.revokeObjectURL(url));
  globalThis[MGL_VIZ] = loading;  // the next widget waits for this one, not a second copy
  return loading;
}

// An SVG laid out in the page, made to scale with its place as Python's responsive_svg makes
// dot's: the width it is given, its text up to twice its size, no taller than maxHeight.
export function mglFitSvg(svg, maxHeight = "70vh") {
  const box = svg.viewBox.baseVal;
  const width = box.width * 4 / 3, height = box.height * 4 / 3;  // points to CSS pixels
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.style.cssText = `display:block;margin:auto;width:100%;aspect-ratio:${width.toFixed(1)}/${height.toFixed(1)};`
    + `max-width:${(2 * width).toFixed(0)}px;max-height:min(${(2 * height).toFixed(0)}px, ${maxHeight})`;
  return svg;
}

// Show the drawing of `state` (an object with svg, dot, note) in `box`; `model` gives _viz.
export function mglShowDrawing(box, state, model) {
  const { svg = "", dot = "", note = "" } = state;
  if (box.dataset.dot === dot && box.mglShown === svg + note) return;  // shown already: no flicker
  box.dataset.dot = dot;
  box.mglShown = svg + note;
  if (svg) {
    box.innerHTML = svg;
  } else if (!dot) {
    box.innerHTML = note;
  } else {
    mglLoadViz(model)
      .then((viz) => { if (box.dataset.dot === dot) box.replaceChildren(mglFitSvg(viz.renderSVGElement(dot))); })
      .catch((error) => {
        box.replaceChildren(mglElement("p", { textContent: `(no drawing: ${error.message})`,
          style: "font-size:15px;color:#656d76" }));
      });
  }
}

// Call `redraw` now and whenever one of `names` changes in `model`.
export function mglFollow(model, names, redraw) {
  for (const name of names) model.on(`change:${name}`, redraw);
  redraw();
  return () => { for (const name of names) model.off?.(`change:${name}`, redraw); };
}
