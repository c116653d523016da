// The quiz's front-end: the question, an answer box (Enter or Submit sends it), the feedback,
// the hint ladder, the score and the graph (the state of micrograd_like.web.quiz_panel).
//
// An answer goes to Python as a message, {answer: "6.0"}; the Quiz there judges it and the
// panel sends back the feedback, the next question and the drawing.

import { mglButton, mglElement, mglFollow, mglRoot, mglShowDrawing } from "./drawing.js";

export function renderQuiz({ model, el }) {
  const root = mglRoot(el, "quiz");
  const question = mglElement("div", { className: "mgl-question" });
  const box = mglElement("input", { type: "text", placeholder: "a number: -2, 0.5 or 1/2", autocomplete: "off",
    style: "width:16em;font-size:16px;padding:3px 6px" });
  const send = () => {
    const text = box.value;
    box.value = "";  // emptied at once, ready for the next try
    if (text.trim()) model.send({ answer: text });
  };
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") send(); });
  const submit = mglButton("Submit", "send the answer (Enter does too)", send, true);
  submit.style.fontSize = "16px";
  const answerWith = mglElement("span", { style: "font-size:14px" });
  const ladder = mglElement("div", { className: "mgl-ladder", style: "font-size:15px;color:#656d76" });
  const feedback = mglElement("div", { className: "mgl-feedback" });
  const misconception = mglElement("div", { className: "mgl-misconception", style: "font-size:15px;color:#9a6700" });
  const score = mglElement("div", { className: "mgl-score" });
  const drawing = mglElement("div", { className: "mgl-drawing" });
  root.append(question,
    mglElement("div", { className: "mgl-row" }, [mglElement("span", { className: "mgl-answer" }, [box]), submit,
      answerWith]),
    ladder, feedback, misconception, score, drawing);

  return mglFollow(model, ["question", "feedback", "misconception", "score", "finished", "rung", "ladder",
    "answer_with", "svg", "dot", "note"], () => {
    question.innerHTML = model.get("question");
    feedback.innerHTML = model.get("feedback");
    score.innerHTML = model.get("score");
    answerWith.textContent = model.get("answer_with");
    const name = model.get("misconception");
    misconception.textContent = name ? `misconception: ${name.replaceAll("_", " ")}` : "";
    const finished = model.get("finished");
    box.disabled = submit.disabled = finished;
    // The ladder: answer; a wrong answer gets a hint; a second shows the answer.  The rung reached is bold.
    const rungs = model.get("ladder") || [], rung = model.get("rung");
    ladder.replaceChildren(...(finished ? [] : ["hint ladder: "].concat(rungs.flatMap((words, i) => [
      i ? " → " : "", mglElement("span", { textContent: words,
        style: i === rung ? "font-weight:bold;color:#1f2328" : "" })]))));
    mglShowDrawing(drawing, { svg: model.get("svg"), dot: model.get("dot"), note: model.get("note") }, model);
  });
}

export default { render: renderQuiz };
