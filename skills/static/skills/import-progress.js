// Follows a PIX import running in the background, without reloading the page: every few
// seconds it fetches the page again and copies in its status (a polite live region, so a
// screen reader hears each step and the outcome once) and its details (not announced).
// Nothing moves on its own: the progress bar only changes value. Without JavaScript the
// page offers a link to refresh it.
(function () {
  "use strict";
  var POLL_MILLISECONDS = 2000;
  var root = document.querySelector("[data-pix-import]");
  if (!root || root.dataset.finished === "true" || !window.fetch || !window.DOMParser) {
    return;
  }
  var status = root.querySelector("[data-pix-import-status]");
  var details = root.querySelector("[data-pix-import-details]");
  var failures = 0;

  function later(delay) {
    window.setTimeout(poll, delay);
  }

  function update(html) {
    var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-pix-import]");
    if (!next) {
      return false;
    }
    var nextStatus = next.querySelector("[data-pix-import-status]").textContent.trim();
    if (status.textContent.trim() !== nextStatus) {
      status.textContent = nextStatus;
    }
    details.replaceChildren.apply(
      details,
      Array.prototype.map.call(next.querySelector("[data-pix-import-details]").childNodes, function (node) {
        return document.importNode(node, true);
      })
    );
    root.dataset.finished = next.dataset.finished;
    // A refused file: the reasons take the focus, the field to send another file follows.
    var refusal = details.querySelector("[data-pix-import-refusal]");
    if (refusal) {
      refusal.focus();
    }
    return next.dataset.finished !== "true";
  }

  function poll() {
    window
      .fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        failures = 0;
        if (update(html)) {
          later(POLL_MILLISECONDS);
        }
      })
      .catch(function () {
        // The server restarting or the network gone: try again, less and less often.
        failures += 1;
        if (failures < 10) {
          later(POLL_MILLISECONDS * failures);
        }
      });
  }

  later(POLL_MILLISECONDS);
})();
