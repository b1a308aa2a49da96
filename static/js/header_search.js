// The header's search field as an ARIA combobox (WAI-ARIA APG "combobox with listbox popup"):
// htmx fills the listbox with suggestions while typing; this script opens and closes it and
// moves the active option with the arrow keys (focus stays in the field, aria-activedescendant
// names the option). Enter opens the active option, or submits the search to the list. The
// number of suggestions is announced by the status element the server sends along (oob swap).
(function () {
  "use strict";
  var input = document.getElementById("header-search-input");
  if (!input) {
    return;
  }
  var listbox = document.getElementById(input.getAttribute("aria-controls"));
  var active = -1;

  function options() {
    return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
  }

  function setActive(index) {
    var all = options();
    active = index;
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function setOpen(open) {
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      setActive(-1);
    }
  }

  function go(option) {
    if (option && option.dataset.href) {
      window.location.assign(option.dataset.href);
    }
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== listbox) {
      return;
    }
    var count = listbox.querySelectorAll('[role="option"][data-href]').length;
    setActive(-1);
    setOpen(count > 0 && document.activeElement === input);
  });

  input.addEventListener("input", function () {
    if (input.value.trim().length < 2) {
      listbox.innerHTML = "";
      setOpen(false);
    }
  });

  input.addEventListener("keydown", function (event) {
    var all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) {
        return;
      }
      event.preventDefault();
      setOpen(true);
      if (event.key === "ArrowDown") {
        setActive(active + 1 < all.length ? active + 1 : 0);
      } else {
        setActive(active > 0 ? active - 1 : all.length - 1);
      }
    } else if (event.key === "Enter") {
      if (!listbox.hidden && active >= 0 && all[active]) {
        event.preventDefault();
        go(all[active]);
      }
    } else if (event.key === "Escape") {
      if (!listbox.hidden) {
        event.preventDefault();
        setOpen(false);
      }
    }
  });

  input.addEventListener("focus", function () {
    if (options().length && input.value.trim().length >= 2) {
      setOpen(true);
    }
  });

  input.addEventListener("blur", function () {
    setOpen(false);
  });

  // Keep the focus in the field when an option is pressed, so blur does not close the list
  // before the click arrives.
  listbox.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });

  listbox.addEventListener("click", function (event) {
    go(event.target.closest('[role="option"]'));
  });
})();
