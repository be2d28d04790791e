// Progressive enhancements only: every page works without this file.
document.documentElement.classList.add("js");

// A 409 from an htmx request says, in words, why the change was refused (a proposal
// committed meanwhile, say): show it where the response asks, as other answers are.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("DOMContentLoaded", () => {
  // (The browser's time zone is pre-selected by questionnaire.js.)

  // After a save, the page opens on its message: focus it so it is read out and the
  // next Tab continues from there. When the page was opened at a section (a note
  // saved returns to #notes), the message moves into that section, under its
  // heading, so it is seen and read where the person is. A refused form opens on
  // its summary of problems, or else on the first field in error.
  const messages = document.querySelector(".messages[tabindex='-1']");
  const section = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (messages && section) {
    const heading = section.querySelector(":scope > h2, :scope > h3, :scope > header, :scope > .card-header");
    if (heading) heading.after(messages);
    else section.prepend(messages);
  }
  const problems = document.querySelector("main .form-problems");
  if (problems) problems.setAttribute("tabindex", "-1");
  const first = messages || problems || document.querySelector("main [aria-invalid='true']");
  if (first) first.focus();
  // Chromium clears focus once it has scrolled to the section: focus again after that.
  if (first && section) {
    window.addEventListener("load", () => requestAnimationFrame(() => first.focus()), { once: true });
  }

  // The main menu folds behind a "Menu" button on a narrow screen (CSS decides when).
  const nav = document.querySelector(".nav");
  const toggle = nav && nav.querySelector(".nav-toggle");
  if (toggle) {
    const setOpen = (open) => {
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    };
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    nav.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }
});

// Messages (mentorships/messages.html): the newest in view as they arrive, unless one has
// scrolled up to read; once a message is sent, the box empties and keeps the focus.
document.addEventListener("DOMContentLoaded", () => {
  const log = document.querySelector(".thread-scroll");
  if (!log) return;
  let follow = true;
  const toNewest = () => {
    if (follow) log.scrollTop = log.scrollHeight;
  };
  log.addEventListener("scroll", () => {
    follow = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  });
  toNewest();
  document.body.addEventListener("htmx:afterSettle", toNewest);
  // A poll and a send that cross bring the same new message twice: show it once.
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    if (event.detail.target?.id !== "thread-list") return;
    for (const item of event.detail.fragment.querySelectorAll("li[id]")) {
      if (document.getElementById(item.id)) item.remove();
    }
  });
  document.body.addEventListener("kindred:message-sent", (event) => {
    const form = event.target.closest("form");
    if (!form) return;
    form.reset();
    form.querySelector(".send-error").replaceChildren();
    follow = true;
    toNewest();
    form.querySelector("textarea").focus();
  });
});

// On an admin page the program's own pages (the tabs under the title, dashboard/_nav.html) join
// the main menu on a phone, above the site's links: CSS shows the copy there, and the tabs
// where there is room. Without this file the tabs stay, and the menu is not folded either.
document.addEventListener("DOMContentLoaded", () => {
  const tabs = document.querySelector(".subnav[data-program] > ul");
  const menu = document.getElementById("nav-menu");
  if (!tabs || !menu) return;
  const name = document.createElement("span");
  name.className = "nav-group";
  name.id = "nav-program-name";
  name.textContent = tabs.parentElement.dataset.program;
  const links = tabs.cloneNode(true);
  links.setAttribute("aria-labelledby", name.id);
  const group = document.createElement("li");
  group.className = "nav-program";
  group.append(name, links);
  menu.prepend(group);
});

// A table wider than its box scrolls inside it (.table-scroll); a shadow on each side that
// hides more says so (kindred.css), and it follows the scrolling and the window's width.
document.addEventListener("DOMContentLoaded", () => {
  const mark = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    box.classList.toggle("more-left", box.scrollLeft > 1);
    box.classList.toggle("more-right", box.scrollLeft < hidden - 1);
  };
  const markAll = () => {
    for (const box of document.querySelectorAll(".table-scroll")) {
      if (!box.dataset.marked) {
        box.dataset.marked = "yes";
        box.addEventListener("scroll", () => mark(box), { passive: true });
      }
      mark(box);
    }
  };
  markAll();
  window.addEventListener("resize", markAll);
  document.body.addEventListener("htmx:afterSettle", markAll);
});

// A live "n / max characters" count under long text (the questionnaire, the sponsorship
// ledger's note): the page draws it and describes the field by it; the server refuses
// more than max with a message, so the browser never cuts text short.
// Its words come from the field (data-count-text, data-over-text, written in the page's
// language by profiles/forms.py), with {used}, {max} and {over} to fill in.
document.addEventListener("DOMContentLoaded", () => {
  const lang = document.documentElement.lang || "en-GB";
  const format = (n) => n.toLocaleString(lang === "en" ? "en-GB" : lang);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => values[key] ?? all);
  for (const input of document.querySelectorAll("[data-maxlength]")) {
    const count = document.getElementById(`${input.id}_count`);
    if (!count) continue;
    const max = Number(input.dataset.maxlength);
    const spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    count.after(spoken);
    const render = () => {
      const n = input.value.length;
      const over = n - max;
      const values = { used: format(n), max: format(max), over: format(over) };
      count.textContent = over > 0
        ? fill(input.dataset.overText || "{used} / {max} characters — {over} too many", values)
        : fill(input.dataset.countText || "{used} / {max} characters", values);
      count.classList.toggle("char-count-over", over > 0);
    };
    render();
    let pause;
    input.addEventListener("input", () => {
      render();
      // Said once typing pauses, not at every key.
      clearTimeout(pause);
      pause = setTimeout(() => { spoken.textContent = count.textContent; }, 1000);
    });
  }
});
