// Progressive enhancement: on narrow screens the header's two menus fold behind the
// "Menu" button (static/css/site.css). Loaded in <head>, not deferred: the "js" class is
// set before the first paint, so the menus never flash open. Without JavaScript the button
// stays hidden and the menus open.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUp() {
    var button = document.querySelector("[data-menu-button]");
    if (!button) { return; }
    var header = button.closest("header");
    var menus = button.getAttribute("aria-controls").split(" ").map(function (id) {
      return document.getElementById(id);
    });

    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("site-header--open", open);
    }

    button.addEventListener("click", function () {
      show(!isOpen());
    });

    function inMenu(element) {
      return element === button || menus.some(function (menu) {
        return menu && menu.contains(element);
      });
    }

    // Escape from the button or a menu link closes; the search field keeps its own Escape.
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen() && inMenu(event.target)) {
        show(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
