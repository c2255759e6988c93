// "Select every agent of this page": a button shown only when this script runs.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    var name = button.getAttribute("data-select-all");
    var boxes = button.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    button.closest("[hidden]").hidden = false;
    button.addEventListener("click", function () {
      var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
      boxes.forEach(function (box) { box.checked = !all; });
    });
  });
})();
