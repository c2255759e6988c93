// Progressive enhancement: show how many questions of a survey are answered.
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }
  var box = form.querySelector(".survey-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-survey-progress-text]");
  var questions = form.querySelectorAll("[data-question]");
  // "No question", "1 question", "2 questions": the three forms the page gives.
  function template(count) {
    var kind = count === 0 ? "none" : count === 1 ? "one" : "many";
    return box.getAttribute("data-survey-progress-" + kind);
  }

  function answered(question) {
    var checked = question.querySelector("input:checked");
    var textarea = question.querySelector("textarea");
    return Boolean(checked || (textarea && textarea.value.trim()));
  }

  var shown = -1;

  function update() {
    var count = Array.prototype.filter.call(questions, answered).length;
    if (count === shown) { return; }
    shown = count;
    bar.value = count;
    text.textContent = template(count).replace("{n}", count).replace("{t}", questions.length);
  }

  if (questions.length > 3) {
    box.hidden = false;
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }
})();
