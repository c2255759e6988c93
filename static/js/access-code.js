// The QR code of a printed card opens /compte/code/#matricule=…&code=…: the fragment never
// reaches the server (nor its logs). Fill the form from it, then take it off the address bar.
(function () {
  "use strict";
  var form = document.querySelector("form[data-fill-from-fragment]");
  if (!form || !window.location.hash) return;
  var values = new URLSearchParams(window.location.hash.slice(1));
  ["matricule", "code"].forEach(function (name) {
    var field = form.elements[name];
    if (field && values.get(name)) field.value = values.get(name);
  });
  history.replaceState(null, "", window.location.pathname + window.location.search);
  var button = form.querySelector("button[type=submit]");
  if (button && form.elements.matricule.value && form.elements.code.value) button.focus();
})();
