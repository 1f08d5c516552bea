// Title suggestions under search boxes that carry data-suggest-url. The search works
// without this script: it only adds a list of matching titles while the reader types.
(() => {
  const MIN_LENGTH = 2;
  const DELAY_MS = 200;
  let counter = 0;

  function enhance(input) {
    const form = input.form;
    if (!form || !window.fetch) return;
    counter += 1;
    const list = document.createElement("ul");
    list.id = `search-suggestions-${counter}`;
    list.className = "search-suggestions list-unstyled";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "");
    list.hidden = true;
    form.classList.add("search-suggest-host");
    form.appendChild(list);
    // The input keeps its searchbox role (a textbox may own a list of suggestions).
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    let timer = null;
    let controller = null;
    let active = -1;
    let lastQuery = "";

    const options = () => Array.from(list.querySelectorAll("[role=option]"));

    function close() {
      list.hidden = true;
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      const items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(suggestions) {
      list.replaceChildren();
      suggestions.forEach((suggestion, index) => {
        const item = document.createElement("li");
        item.id = `${list.id}-${index}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        const link = document.createElement("a");
        link.href = suggestion.url;
        link.tabIndex = -1;
        link.textContent = suggestion.title;
        const type = document.createElement("span");
        type.className = "search-suggestion-type";
        type.textContent = suggestion.type;
        link.appendChild(type);
        item.appendChild(link);
        list.appendChild(item);
      });
      active = -1;
      list.hidden = suggestions.length === 0;
      input.removeAttribute("aria-activedescendant");
    }

    function fetchSuggestions() {
      const query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < MIN_LENGTH) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      const url = new URL(input.dataset.suggestUrl, window.location.href);
      url.searchParams.set("q", query);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
        .then((response) => (response.ok ? response.json() : { suggestions: [] }))
        .then((data) => {
          if (input.value.trim() === query) render(data.suggestions || []);
        })
        .catch(() => {});
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].querySelector("a").href);
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
})();
