// "Add an action" without a round trip: a copy of the formset's empty row (its <template>),
// numbered, with the keyboard focus on its first field. Without this script the button asks
// the server for the form again with one more row.
(function () {
  "use strict";
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var rows = document.getElementById(prefix);
    var template = document.getElementById(prefix + "-empty-row");
    var total = button.form.elements[prefix + "-TOTAL_FORMS"];
    var max = button.form.elements[prefix + "-MAX_NUM_FORMS"];
    button.addEventListener("click", function (event) {
      var index = parseInt(total.value, 10);
      if (index >= parseInt(max.value, 10)) {
        return; // the server answers with the rows it accepts
      }
      event.preventDefault();
      rows.insertAdjacentHTML(
        "beforeend",
        template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1)
      );
      total.value = index + 1;
      rows.lastElementChild.querySelector("input, select, textarea").focus();
    });
  });
})();
