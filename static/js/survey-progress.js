// Progressive enhancement: show how many questions of a survey are answered.
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }
  var box = form.querySelector("[data-survey-progress]");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-survey-progress-text]");
  var questions = form.querySelectorAll("[data-question]");
  var template = box.getAttribute("data-survey-progress");

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
    text.textContent = template.replace("{n}", count).replace("{t}", questions.length);
  }

  if (questions.length > 3) {
    box.hidden = false;
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }
})();
