// The guideline picker from the keyboard (issue 13): in the search box, ↓ and ↑ move through the results, Enter
// adds the chosen guideline or topic, Escape closes the list. The new row's Section(s) field then gets the focus.
(() => {
  const optionsOf = (input) => {
    const results = document.getElementById(input.getAttribute("aria-controls"));
    return results ? [...results.querySelectorAll("[role=option]")] : [];
  };
  const choose = (input, options, index) => {
    options.forEach((option, i) => {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("active", i === index);
    });
    if (options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.classList || !input.classList.contains("guideline-search")) return;
    const options = optionsOf(input);
    const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      choose(input, options, (current + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submits the draft
      if (options[current]) options[current].click();
    } else if (event.key === "Escape") {
      choose(input, options, -1);
      document.getElementById(input.getAttribute("aria-controls")).innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target.classList.contains("guideline-results")) {
      const input = document.querySelector(`[aria-controls="${target.id}"]`);
      if (input) {
        input.setAttribute("aria-expanded", optionsOf(input).length ? "true" : "false");
        input.removeAttribute("aria-activedescendant");
      }
    }
    if (target.classList.contains("citations")) {
      const sections = target.querySelector("tr:last-child input[name$='-cit-sections']");
      if (sections) sections.focus();
    }
  });
})();
