// The lesson page: start Python (Pyodide) in the browser, load the engine, and show its panels.
//
// 1. Pyodide starts from ./pyodide/ and the engine (packages.zip: micrograd_like, Jinja2, MarkupSafe,
//    graphviz) is unpacked into its site-packages; Graphviz in WebAssembly (./viz/) lays drawings out.
// 2. The link's query (?expr=...&a=2...) is read by micrograd_like.web.site.lesson, in Python, which
//    makes the stepper's and the quiz's panels for that pass, or says what is wrong with the link.
// 3. Each panel is shown by its widget's front-end (./frontend/*.js) through a PanelModel (model.js).
// Everything is fetched from this folder: the page works with no network.

import { loadPyodide } from "./pyodide/pyodide.mjs";
import { PanelModel, pythonWords } from "./model.js";

const $ = (id) => document.getElementById(id);
const shown = new Map(); // element id -> what to call to take its widget down

function say(words) {
  $("loading-words").textContent = words;
}

function problem(words) {
  const where = $("problem");
  where.textContent = words;
  where.hidden = !words;
}

/** Start Pyodide and put the engine in its site-packages. */
async function startPython() {
  say("Starting Python in the browser (Pyodide): a few seconds\u2026");
  const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
  say("Loading the engine, micrograd_like\u2026");
  const response = await fetch(new URL("./packages.zip", import.meta.url));
  if (!response.ok) throw new Error(`packages.zip: ${response.status} ${response.statusText}`);
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: sitePackages });
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
  return pyodide;
}

/** Graphviz in WebAssembly, for the front-ends to lay DOT out (they look for this global first). */
async function startViz() {
  if (document.body.dataset.viz !== "yes") return;
  say("Loading Graphviz for the drawings\u2026");
  const Viz = await import("./viz/viz-standalone.mjs");
  globalThis.__micrograd_like_viz = Viz.instance(); // the promise at once, the instance when it is ready
  globalThis.__micrograd_like_viz = await globalThis.__micrograd_like_viz;
}

/** The front-end of each panel this folder has (frontend/NAME.js), by name; a plain one otherwise. */
async function frontEnds() {
  const names = document.body.dataset.panels.split(" ").filter(Boolean);
  const modules = {};
  for (const name of names) modules[name] = (await import(`./frontend/${name}.js`)).default;
  return modules;
}

/** A drawing from a panel's state: its SVG, or its DOT laid out here. */
function drawingHtml(model) {
  if (model.get("svg")) return model.get("svg");
  const viz = globalThis.__micrograd_like_viz;
  if (model.get("dot") && viz) return viz.renderString(model.get("dot"), { format: "svg" });
  return model.get("note") || "";
}

/** The stepper shown without its widget's front-end: the words, the drawing, Previous / Next. */
const plainStepper = {
  render({ model, el }) {
    el.innerHTML = `<div class="buttons"><button data-press="reset">Reset</button>
      <button data-press="previous">Previous</button><button data-press="next">Next</button></div>
      <div class="words"></div><div class="drawing"></div>`;
    const draw = () => {
      el.querySelector(".words").innerHTML = model.get("words");
      el.querySelector(".drawing").innerHTML = drawingHtml(model);
    };
    for (const button of el.querySelectorAll("button")) {
      button.addEventListener("click", () => model.send({ press: button.dataset.press }));
    }
    model.on("change", draw);
    draw();
  },
};

/** A dict from Python as a JavaScript object (the Python objects in it, such as panels, kept as
 * proxies, which the page destroys when it is done with them), the dict itself let go. */
function fromPython(proxy) {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: true });
  } finally {
    proxy.destroy();
  }
}

/** Take down the widget shown in the element ``id``, if any. */
function takeDown(id) {
  shown.get(id)?.();
  shown.delete(id);
  $(id).replaceChildren();
}

/** Show ``panel`` in the element ``id`` with the front-end ``widget``, in place of what was there. */
function show(id, widget, panel, pyodide) {
  takeDown(id);
  const el = $(id);
  el.replaceChildren();
  const model = new PanelModel(panel, pyodide, (words) => problem(words));
  const cleanup = widget.render({ model, el });
  shown.set(id, () => {
    model.off();
    if (typeof cleanup === "function") cleanup();
    panel.destroy();
  });
}

/** The form: an expression, and a box for each of its variables, kept as the expression changes. */
function setUpForm(site, open) {
  const input = $("expression");
  const boxes = $("variables");
  const typed = {}; // each variable's value as typed, kept while the expression is edited
  const refresh = () => {
    for (const box of boxes.querySelectorAll("input")) typed[box.name] = box.value;
    const found = fromPython(site.variables_of(input.value));
    $("expression-problem").textContent = found.problem;
    $("expression-problem").hidden = !found.problem;
    boxes.replaceChildren(...found.names.map((name) => {
      const label = document.createElement("label");
      label.textContent = `${name} = `;
      const box = document.createElement("input");
      Object.assign(box, { name, type: "text", inputMode: "decimal", value: typed[name] ?? "", size: 6 });
      box.id = `value-${name}`;
      label.append(box);
      return label;
    }));
  };
  input.addEventListener("input", refresh);
  $("exercise-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ expr: input.value });
    for (const box of boxes.querySelectorAll("input")) query.append(box.name, box.value.trim());
    history.replaceState(null, "", `?${query}`); // the address is the link to this exercise
    open(`?${query}`);
  });
  input.disabled = $("start").disabled = false;
  return (expression, values) => {
    input.value = expression;
    refresh();
    for (const [name, value] of Object.entries(values)) {
      const box = $(`value-${name}`);
      if (box) box.value = value;
    }
  };
}

async function main() {
  performance.mark("start");
  let pyodide;
  try {
    pyodide = await startPython();
    await startViz();
  } catch (error) {
    document.body.dataset.state = "failed";
    $("loading").hidden = true;
    problem(`Python could not start in this browser: ${error.message || error}`);
    return;
  }
  const site = pyodide.pyimport("micrograd_like.web.site");
  const widgets = await frontEnds();
  const open = (query) => {
    let found;
    try {
      found = fromPython(site.lesson(query));
    } catch (error) { // not a mistake of the link's (those come back in words): said all the same
      problem(`This exercise could not be opened: ${pythonWords(error)}`);
      return {};
    }
    problem(found.problem || "");
    if (found.problem) { // the form says what to correct; a pass shown below it would not be this one
      for (const id of ["stepper", "quiz"]) takeDown(id);
      $("stepper-section").hidden = $("quiz-section").hidden = true;
    }
    if (found.expression === undefined) return found;
    $("pass-name").textContent = found.expression;
    show("stepper", widgets.stepper || plainStepper, found.stepper, pyodide);
    $("stepper-section").hidden = false;
    if (widgets.quiz) {
      show("quiz", widgets.quiz, found.quiz, pyodide);
      $("quiz-section").hidden = false;
    } else found.quiz.destroy();
    return found;
  };
  const fill = setUpForm(site, open);
  const first = open(location.search);
  if (first.expression !== undefined || first.typed) fill(first.expression ?? first.typed, first.values || {});
  if (widgets.training) {
    $("training-section").hidden = false;
    $("open-training").disabled = false;
    $("open-training").addEventListener("click", () => {
      try {
        show("training", widgets.training, site.training(), pyodide);
        $("open-training").hidden = true;
      } catch (error) {
        problem(`The training view could not be opened: ${pythonWords(error)}`);
      }
    });
  }
  globalThis.micrograd_like = { pyodide, site }; // for the console: micrograd_like.pyodide.runPython("...")
  $("loading").hidden = true;
  document.body.dataset.state = "ready";
  performance.mark("ready");
}

main().catch((error) => {
  document.body.dataset.state = "failed";
  $("loading").hidden = true;
  problem(`The page failed: ${pythonWords(error)}`);
});
