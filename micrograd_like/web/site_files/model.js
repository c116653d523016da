// A widget's model, backed by a panel running in Python (Pyodide) in this page.
//
// The widgets' front-ends (frontend/*.js, each `export default { render({ model, el }) }`) were
// written for anywidget, where the model lives in a Jupyter kernel.  Here the kernel is Pyodide,
// and the model is this object: the same few methods, answered by the panel itself
// (micrograd_like.web.panel.Panel):
//
//   model.get(name)            the panel's last state()[name] (or a value set and not yet saved)
//   model.set(name, value)     remembered until ...
//   model.save_changes()       ... panel.update({name: value, ...})
//   model.send(content)        panel.message(content): a button pressed, an answer given
//   model.on("change:name", f) f(model, newValue) whenever the panel's state()[name] changes (as anywidget)
//   model.on("msg:custom", f)  kept for the front-ends' sake: panels here send no messages
//
// The panel tells its listeners after every change (panel.subscribe), whatever made it: a
// click here, or Python code (a Play loop) running on its own.  The state is then read again
// and each value that changed fires its "change:" event.

const sameValue = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The last line of a Python error (its type and words), for the page to show. */
export function pythonWords(error) {
  const lines = String(error && error.message ? error.message : error).trim().split("\n");
  return lines[lines.length - 1];
}

export class PanelModel {
  /**
   * @param panel   the Python panel (a PyProxy)
   * @param pyodide the interpreter, to turn JavaScript values into Python ones
   * @param onError told the words of a Python error, instead of it being thrown at a click
   */
  constructor(panel, pyodide, onError = (words) => console.error(words)) {
    this.panel = panel;
    this.pyodide = pyodide;
    this.onError = onError;
    this.listeners = new Map(); // event name -> Set of callbacks
    this.pending = {}; // values set and not yet saved
    this.state = this.readState();
    panel.subscribe(() => this.refresh()); // a JavaScript function Python may call as often as it likes
  }

  readState() {
    const proxy = this.panel.state();
    try {
      return proxy.toJs({ dict_converter: Object.fromEntries });
    } finally {
      proxy.destroy();
    }
  }

  get(name) {
    return name in this.pending ? this.pending[name] : this.state[name];
  }

  set(name, value) {
    this.pending[name] = value;
  }

  save_changes() {
    const changes = this.pending;
    this.pending = {};
    if (Object.keys(changes).length) this.callPython("update", changes);
  }

  send(content) {
    this.callPython("message", content);
  }

  callPython(method, content) {
    const argument = this.pyodide.toPy(content);
    try {
      this.panel[method](argument);
    } catch (error) {
      this.onError(pythonWords(error));
      this.refresh(); // the page shows what is true, not what was asked for
    } finally {
      argument.destroy();
    }
  }

  /** Read the state again, and fire a "change:name" for each value that changed. */
  refresh() {
    const fresh = this.readState();
    const changed = Object.keys(fresh).filter((name) => !sameValue(fresh[name], this.state[name]));
    this.state = fresh;
    for (const name of changed) this.emit(`change:${name}`, this, fresh[name]);
    if (changed.length) this.emit("change", this, changed);
  }

  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (event === undefined) this.listeners.clear();
    else if (callback === undefined) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }

  emit(event, ...values) {
    for (const callback of [...(this.listeners.get(event) || [])]) {
      try {
        callback(...values);
      } catch (error) {
        console.error(error);
      }
    }
  }
}
