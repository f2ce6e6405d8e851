// The ward ranking (sortable, filterable, paged on the server, so 10,000 wards cost one
// page at a time) and the ITN plan (totals, warnings, wards; made here or in the chat).

import { $, categoryBadge, clear, debounce, elements, fmtInt, fmtNum, fmtPercent, h, onSubmit, show, tableRows, text } from "./dom.js";

const RANKING_COLUMNS = [
  { key: "composite_rank", label: "Rank", sort: "composite_rank", num: true, format: fmtInt },
  { key: "WardName", label: "Ward", sort: "WardName" },
  { key: "LGA", label: "LGA" },
  { key: "LGACode", label: "LGA code", unless: "LGA" },
  { key: "composite_score", label: "Composite score", sort: "composite_score", num: true, format: (v) => fmtNum(v, 3) },
  { key: "composite_category", label: "Category", format: categoryBadge },
  { key: "pca_rank", label: "PCA rank", sort: "pca_rank", num: true, format: fmtInt },
  { key: "pca_score", label: "PCA score", sort: "pca_score", num: true, format: (v) => fmtNum(v, 3) },
  { key: "pca_category", label: "PCA category", format: categoryBadge },
];

// the API sorts scores highest first for order=asc (most vulnerable first, like ranks)
function visibleDirection(sort, order) {
  const flipped = sort.endsWith("_score");
  return (order === "asc") !== flipped ? "ascending" : "descending";
}

// A table of wards paged on the server ("prefix-table", "-status", "-pager"...): its pager,
// and loads that show only the latest answer (a slow answer to an older request is dropped).
class PagedTable {
  constructor(page, prefix) {
    this.page = page;
    Object.assign(this, elements({
      table: `${prefix}-table`, status: `${prefix}-status`, pager: `${prefix}-pager`,
      pageLabel: `${prefix}-page`, prev: `${prefix}-prev`, next: `${prefix}-next`,
    }));
    this.query = { limit: 50, offset: 0 };
    this.total = 0;
    this.ticket = 0;
    this.prev.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
  }

  step(direction) {
    const next = this.query.offset + direction * this.query.limit;
    if (next < 0 || next >= this.total) return;
    this.query.offset = next;
    this.load();
  }

  async get(url) {
    const ticket = ++this.ticket;
    let body;
    try {
      body = await this.page.api.get(this.page.api.session(url));
    } catch (err) {
      if (ticket === this.ticket) this.status.textContent = err.message;
      return;
    }
    if (ticket === this.ticket) this.render(body);
  }

  // the head row and the rows of `columns`; the head cell of each column is made by `th`
  fill(rows, columns, th) {
    const headRow = this.table.tHead.rows[0];
    clear(headRow);
    for (const c of columns) headRow.append(th(c));
    clear(this.table.tBodies[0]).append(...tableRows(rows, columns));
  }

  // rows `offset` to `offset + count` of this.total; the pager shows when there is more than a page
  showPage(offset, count) {
    const first = this.total ? offset + 1 : 0;
    const last = Math.min(offset + count, this.total);
    show(this.pager, this.total > this.query.limit);
    this.pageLabel.textContent = `${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(this.total)}`;
    this.prev.disabled = offset <= 0;
    this.next.disabled = last >= this.total;
  }
}

export class RankingTable extends PagedTable {
  constructor(page) {
    super(page, "ranking");
    Object.assign(this, elements({ search: "ranking-search", category: "ranking-category", size: "ranking-size" }));
    Object.assign(this.query, { sort: "composite_rank", order: "asc", q: "", category: "" });
    const reload = () => {
      this.query.offset = 0;
      this.load();
    };
    this.search.addEventListener("input", debounce(() => {
      this.query.q = this.search.value.trim();
      reload();
    }, 300));
    this.category.addEventListener("change", () => {
      this.query.category = this.category.value;
      reload();
    });
    this.size.addEventListener("change", () => {
      this.query.limit = Number(this.size.value) || 50;
      reload();
    });
    $("ranking-filters").addEventListener("submit", (e) => e.preventDefault());
    window.addEventListener("resize", debounce(() => this.syncCue(), 200));
    page.on("analysis", (analysis) => {
      for (const el of [this.search, this.category, this.size]) el.disabled = !analysis;
      this.query.offset = 0;
      if (analysis) this.load();
      else {
        show(this.table, false);
        show(this.pager, false);
      }
    });
  }

  // a table wider than its panel says so (a phone shows only the first columns)
  syncCue() {
    const wrap = $("ranking-wrap");
    show($("ranking-scroll-cue"), !this.table.hidden && wrap.scrollWidth > wrap.clientWidth + 1);
  }

  sortBy(key) {
    if (this.query.sort === key) this.query.order = this.query.order === "asc" ? "desc" : "asc";
    else {
      this.query.sort = key;
      this.query.order = "asc";
    }
    this.query.offset = 0;
    this.load();
  }

  async load() {
    const analysis = this.page.analysis;
    if (!analysis) return;
    const params = new URLSearchParams({
      sort: this.query.sort,
      order: this.query.order,
      limit: String(this.query.limit),
      offset: String(this.query.offset),
    });
    if (this.query.q) params.set("q", this.query.q);
    if (this.query.category) params.set("category", this.query.category);
    this.status.textContent = "Loading wards…";
    await this.get(`/analyses/${analysis.analysis_id}/wards?${params}`);
  }

  render(body) {
    const present = new Set(body.columns || []);
    const columns = RANKING_COLUMNS.filter((c) => present.has(c.key) && !(c.unless && present.has(c.unless)));
    this.fill(body.wards || [], columns, (c) => {
      const th = h("th", { scope: "col", class: c.num ? "num" : null, "data-key": c.key });
      if (c.sort) {
        th.setAttribute("aria-sort", this.query.sort === c.sort ? visibleDirection(c.sort, this.query.order) : "none");
        th.append(h("button", { type: "button", onclick: () => this.sortBy(c.sort) }, c.label));
      } else th.append(c.label);
      return th;
    });
    this.total = body.total || 0;
    show(this.table, true);
    const filtered = this.query.q || this.query.category ? " matching" : "";
    this.status.textContent = `${fmtInt(this.total)}${filtered} wards.`;
    this.showPage(body.offset, (body.wards || []).length);
    this.syncCue();
  }
}

// tier 1: wards below the urban threshold, served first; tier 2: the more urban wards, after
const TIERS = { 1: "first", 2: "after (urban)" };
const STRATEGY_WORDS = {
  stop: "stopping at the first ward that does not fit",
  continue: "skipping wards that do not fit",
  capped: "with each ward's share capped",
  proportional: "shared in proportion to each ward's need",
};

const PLAN_COLUMNS = [
  { key: "allocation_order", label: "Order", num: true, format: fmtInt },
  { key: "WardName", label: "Ward" },
  { key: "LGA", label: "LGA" },
  { key: "rank", label: "Rank", num: true, format: fmtInt },
  { key: "priority_tier", label: "Served", format: (v) => TIERS[v] || fmtInt(v) },
  { key: "population", label: "Population", num: true, format: fmtInt },
  { key: "nets_needed", label: "Nets needed", num: true, format: fmtInt },
  { key: "nets_allocated", label: "Nets allocated", num: true, format: fmtInt },
  { key: "coverage_percent", label: "Coverage", num: true, format: (v) => fmtPercent(v, 0) },
];

export class PlanTable extends PagedTable {
  constructor(page, results) {
    super(page, "plan");
    this.results = results;
    this.form = $("plan-form");
    this.summary = $("plan-summary");
    this.fields = ["plan-nets", "plan-household", "plan-strategy", "plan-threshold", "plan-submit"].map($);
    $("plan-strategy").addEventListener("change", () => {
      show($("plan-share-field"), $("plan-strategy").value === "capped");
    });
    onSubmit(this.form, () => this.create());
    page.on("analysis", (analysis) => {
      for (const el of this.fields) el.disabled = !analysis;
      if (analysis && !this.page.planId) this.status.textContent = "Give the nets available and the household size.";
    });
    page.on("plan", (planId) => {
      this.query.offset = 0;
      if (planId) this.load();
    });
  }

  async create() {
    if (!this.form.reportValidity()) return;
    const body = {
      total_nets: Number($("plan-nets").value),
      household_size: Number($("plan-household").value),
      strategy: $("plan-strategy").value,
    };
    const threshold = $("plan-threshold").value;
    if (threshold !== "") body.urban_threshold = Number(threshold);
    if (body.strategy === "capped") body.max_ward_share = Number($("plan-share").value);
    if (this.page.analysis) body.analysis_id = this.page.analysis.analysis_id;
    $("plan-submit").disabled = true;
    this.status.textContent = "Planning…";
    const before = this.page.planId;
    try {
      await this.page.api.post(this.page.api.session("/itn-plans"), body);
      await this.page.refresh();
      // the same plan as before is no change of plan, so no event: show it again here
      if (this.page.planId === before) await this.load();
    } catch (err) {
      this.status.textContent = err.message;
    } finally {
      $("plan-submit").disabled = !this.page.analysis;
    }
  }

  async load() {
    const planId = this.page.planId;
    if (!planId) return;
    await this.get(`/itn-plans/${planId}?limit=${this.query.limit}&offset=${this.query.offset}`);
  }

  render(plan) {
    const t = plan.totals || plan.summary || {};
    const p = plan.params || {};
    const strategy = STRATEGY_WORDS[p.strategy] || `strategy ${text(p.strategy)}`;
    this.status.textContent = `Plan for ${fmtInt(p.total_nets)} nets, households of ${fmtNum(p.household_size, 1)}, ${strategy}.`;
    clear(this.summary);
    const totals = [
      ["Nets allocated", fmtInt(t.nets_allocated)],
      ["Nets left over", fmtInt(t.nets_remaining)],
      ["Nets needed in all", fmtInt(t.total_need)],
      ["Population covered", `${fmtInt(t.population_covered)} (${fmtPercent(t.population_covered_percent)})`],
      ["Wards fully covered", fmtInt(t.wards_fully_covered)],
      ["Wards partly covered", fmtInt(t.wards_partly_covered)],
      ["Wards not covered", fmtInt(t.wards_not_covered)],
    ];
    this.summary.append(h("div", { class: "totals" }, totals.map(([label, value]) =>
      h("div", { class: "total" }, h("span", { class: "value" }, value), h("span", { class: "label" }, label)))));
    if ((plan.warnings || []).length) {
      this.summary.append(h("ul", { class: "warning" }, plan.warnings.map((w) => h("li", null, text(w)))));
    }
    const rows = plan.wards || [];
    const present = new Set(rows.length ? Object.keys(rows[0]) : []);
    const columns = PLAN_COLUMNS.filter((c) => present.has(c.key) && rows.some((r) => r[c.key] !== null));
    this.fill(rows, columns, (c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label));
    show(this.table, rows.length > 0);
    this.total = plan.wards_total || rows.length;
    this.showPage(this.query.offset, rows.length);
  }
}
