// The kiosk: after data-kiosk-idle seconds without a touch or a key, back to the code screen
// (the answers typed so far are dropped: nothing was sent). The code screen also reads a
// code from a scanned QR code's fragment (#code=…), which never reaches the server.
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-kiosk-home");
  var seconds = parseInt(body.getAttribute("data-kiosk-idle"), 10);
  if (home && seconds > 0) {
    var timer;
    var restart = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { window.location.replace(home); }, seconds * 1000);
    };
    ["keydown", "pointerdown", "touchstart", "input", "scroll"].forEach(function (name) {
      window.addEventListener(name, restart, { passive: true });
    });
    restart();
  }
  var form = document.querySelector("form[data-fill-from-fragment]");
  if (form && window.location.hash) {
    var code = new URLSearchParams(window.location.hash.slice(1)).get("code");
    if (code && form.elements.code) form.elements.code.value = code;
    history.replaceState(null, "", window.location.pathname);
  }
})();
