// Side-by-side reading: hovering, focusing or selecting a sentence highlights the sentences
// of the other articles that say the same thing (same data-g group, from the server's
// alignment). Without JavaScript the group numbers show the same links.
(function () {
  "use strict";
  var root = document.querySelector(".columns");
  if (!root) { return; }
  var status = document.getElementById("align-status");
  var selected = null;

  function sentenceOf(node) {
    return node && node.closest ? node.closest(".s.aligned") : null;
  }
  function members(group) {
    return Array.prototype.slice.call(
      root.querySelectorAll('.s.aligned[data-g="' + group + '"]'));
  }
  function light(el, on) {
    members(el.getAttribute("data-g")).forEach(function (m) {
      m.classList.toggle("hl", on);
    });
    el.classList.toggle("hl-self", on);
  }
  function textOf(el) {
    var clone = el.cloneNode(true);
    clone.querySelectorAll("sup").forEach(function (s) { s.remove(); });
    return clone.textContent.trim();
  }
  function bringIntoView(el) {
    var col = el.closest(".column");
    if (!col) { return; }
    var top = el.offsetTop - col.offsetTop;
    if (top < col.scrollTop || top > col.scrollTop + col.clientHeight - 40) {
      col.scrollTop = Math.max(0, top - col.clientHeight / 3);
    }
  }
  function clearSelection() {
    if (!selected) { return; }
    members(selected.getAttribute("data-g")).forEach(function (m) {
      m.classList.remove("sel");
      m.setAttribute("aria-pressed", "false");
    });
    selected = null;
    if (status) { status.textContent = ""; }
  }
  function select(el) {
    var same = selected === el;
    clearSelection();
    if (same) { return; }
    selected = el;
    var others = [];
    members(el.getAttribute("data-g")).forEach(function (m) {
      m.classList.add("sel");
      m.setAttribute("aria-pressed", "true");
      if (m.closest(".column") !== el.closest(".column")) {
        bringIntoView(m);
        var lang = (m.closest(".column").getAttribute("lang") || "?").toUpperCase();
        others.push(lang + ": " + textOf(m));
      }
    });
    if (status) {
      status.textContent = others.length
        ? "Says the same as " + others.join(" | ")
        : "Aligned with another sentence of the same article.";
    }
  }

  root.addEventListener("mouseover", function (e) {
    var el = sentenceOf(e.target);
    if (el) { light(el, true); }
  });
  root.addEventListener("mouseout", function (e) {
    var el = sentenceOf(e.target);
    if (el && !el.contains(e.relatedTarget)) { light(el, false); }
  });
  root.addEventListener("focusin", function (e) {
    var el = sentenceOf(e.target);
    if (el) { light(el, true); }
  });
  root.addEventListener("focusout", function (e) {
    var el = sentenceOf(e.target);
    if (el) { light(el, false); }
  });
  root.addEventListener("click", function (e) {
    if (e.target.closest("a")) { return; }  // names link to their actor
    var el = sentenceOf(e.target);
    if (el) { select(el); }
  });
  root.addEventListener("keydown", function (e) {
    var el = sentenceOf(e.target);
    if (!el) { return; }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      select(el);
    } else if (e.key === "Escape") {
      clearSelection();
    }
  });
  root.querySelectorAll(".s.aligned").forEach(function (el) {
    el.setAttribute("role", "button");
    el.setAttribute("aria-pressed", "false");
  });
})();
