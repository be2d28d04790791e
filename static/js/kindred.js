// Progressive enhancements only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // (The browser's time zone is pre-selected by questionnaire.js.)

  // After a save, the page opens on its message: focus it so it is read out and the
  // next Tab continues from there.
  const messages = document.querySelector(".messages[tabindex='-1']");
  if (messages && !location.hash) messages.focus();

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
