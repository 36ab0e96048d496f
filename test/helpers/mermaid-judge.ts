/**
 * A judge from outside this project for the report's two Mermaid diagrams: Mermaid itself (mermaid
 * 12.3.0) parses each one, and renders it in jsdom as a browser would, with its default (strict)
 * security. The judge says what a reader of the rendered diagram sees (each node's label text, each
 * section's and task's name, as Mermaid decodes entity codes like `#34;` and as a browser shows the
 * SVG's text) and what Mermaid made of the text (edges, dates), and refuses, with {@link MermaidRefusal},
 * whatever the report never writes: a text Mermaid rejects, a directive or front matter that sets its
 * configuration, a click handler, link or tooltip, a style or class, a subgraph, an edge label, an HTML
 * element in a label, a titled or accessible-described diagram, a bar drawn backwards.
 */

/** Thrown with what Mermaid made of the text that the report never writes. */
export class MermaidRefusal extends Error {}

/** A flowchart as Mermaid reads it: nodes by id with the text each shows (lines joined by `\n`), and edges. */
export interface JudgedGraph {
  direction: string;
  nodes: Map<string, string>;
  edges: [string, string][];
}

/** A Gantt task as Mermaid reads it: its name as shown, its tags, and its days (`end` absent for a milestone). */
export interface JudgedTask {
  name: string;
  tags: string[];
  start: string;
  end?: string;
}

/** A Gantt chart as Mermaid reads it: its title and formats, and the sections drawn (names as shown) with their tasks. */
export interface JudgedGantt {
  title: string;
  dateFormat: string;
  axisFormat: string;
  sections: { name: string; tasks: JudgedTask[] }[];
}

// jsdom and the DOM have no type declarations in this project (its lib is ES2023 only): the few members read here.
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  innerHTML: string;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}
interface DomWindow {
  document: { createElement(tag: string): DomElement };
  SVGElement: { prototype: object };
  CSSStyleSheet: unknown;
}
const { JSDOM } = require("jsdom") as {
  JSDOM: new (html: string, options: { pretendToBeVisual: boolean }) => { window: DomWindow };
};

// What the judge reads of Mermaid's parsed diagrams (its own types for them are not exported from the package).
interface FlowVertex {
  id: string;
  text?: string;
  domId: string;
  classes: string[];
  styles: string[];
  link?: string;
  linkTarget?: string;
  haveCallback?: boolean;
  img?: string;
  icon?: string;
}
interface FlowDb {
  getDirection(): string | undefined;
  getVertices(): Map<string, FlowVertex>;
  getEdges(): { start: string; end: string; text: string; style?: string[]; classes: string[] }[];
  getTooltip(id: string): string | undefined;
  getClasses(): Map<string, unknown>;
  getSubGraphs(): unknown[];
  getAccTitle(): string;
  getAccDescription(): string;
  getDiagramTitle(): string;
}
interface GanttTask {
  id: string;
  type: string;
  classes: string[];
  startTime: Date;
  endTime: Date;
  done?: boolean;
  active?: boolean;
  crit?: boolean;
  milestone?: boolean;
  vert?: boolean;
}
interface GanttDb {
  getTasks(): GanttTask[];
  getLinks(): Map<string, string>;
  getDiagramTitle(): string;
  getDateFormat(): string;
  getAxisFormat(): string;
  getExcludes(): string[];
  getIncludes(): string[];
  getTodayMarker(): string;
  getDisplayMode(): string;
  getTickInterval(): string | undefined;
  getAccTitle(): string;
  getAccDescription(): string;
}

type Mermaid = typeof import("mermaid")["default"];

/** The ids of the SVG that Mermaid renders: each node and task element's id starts with it. */
const svgId = "judged";
const browserGlobals = ["window", "document", "CSSStyleSheet"] as const;
let browser: DomWindow | undefined;
let loaded: Promise<Mermaid> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` with Mermaid, one call at a time (Mermaid keeps a parsed diagram in module state), with
 * jsdom's window, document and CSSStyleSheet as globals (Mermaid and d3 read them there) only while it runs,
 * so that no other code of the test file sees a browser.
 */
function withMermaid<T>(work: (mermaid: Mermaid, window: DomWindow) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const global = globalThis as Record<string, unknown>;
    const saved = browserGlobals.map((name) => Object.getOwnPropertyDescriptor(global, name));
    try {
      browser ??= newBrowser();
      const window = browser;
      global.window = window;
      global.document = window.document;
      global.CSSStyleSheet = window.CSSStyleSheet;
      // DOMPurify, inside Mermaid, takes the window it sanitizes with when Mermaid is imported.
      loaded ??= import("mermaid").then(({ default: mermaid }) => {
        mermaid.initialize({ startOnLoad: false });
        return mermaid;
      });
      return await work(await loaded, window);
    } finally {
      browserGlobals.forEach((name, i) => {
        const descriptor = saved[i];
        if (descriptor) Object.defineProperty(global, name, descriptor);
        else delete global[name];
      });
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

function newBrowser(): DomWindow {
  const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  // jsdom lays nothing out: shapes get a fixed size, which places them but changes no text the judge reads.
  Object.assign(window.SVGElement.prototype, {
    getBBox: () => ({ x: 0, y: 0, width: 100, height: 20 }),
    getComputedTextLength: () => 100,
  });
  return window;
}

/**
 * Parses and renders `source`: the diagram Mermaid read, and its SVG as a browser's DOM holds it once
 * inserted. `before` sees the parsed diagram first and refuses what rendering in jsdom cannot show (an
 * <img> in a label makes Mermaid wait for an image that jsdom never loads).
 */
async function read(mermaid: Mermaid, window: DomWindow, source: string, type: RegExp, before: (db: unknown) => void) {
  let parsed: Awaited<ReturnType<Mermaid["parse"]>>;
  try {
    parsed = await mermaid.parse(source);
  } catch (error) {
    throw new MermaidRefusal(`Mermaid refuses the text: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!parsed || !type.test(parsed.diagramType))
    throw new MermaidRefusal(`Mermaid reads a ${parsed ? parsed.diagramType : "nothing"} diagram`);
  if (Object.keys(parsed.config ?? {}).length > 0)
    throw new MermaidRefusal(
      `a directive or front matter sets Mermaid's configuration: ${JSON.stringify(parsed.config)}`,
    );
  before((await mermaid.mermaidAPI.getDiagramFromText(source)).db);
  const { svg } = await mermaid.render(svgId, source);
  // Parsed again after rendering, which parses the text too: the ids of the diagram read match those of the SVG.
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  const container = window.document.createElement("div");
  container.innerHTML = svg;
  return { db: diagram.db as unknown, container };
}

/** Refuses an SVG that holds a link, an image or a script: a reader's click or a request the report never asks for. */
function refuseActiveElements(container: DomElement): void {
  const active = container.querySelectorAll("a, img, image, iframe, script, object, embed");
  if (active.length > 0) throw new MermaidRefusal(`the SVG holds a <${active[0]!.nodeName.toLowerCase()}> element`);
}

/** The text a browser shows for `element`: `<br>` as a line break, runs of white space as one space, each line trimmed (as CSS and SVG text do). */
function shownText(element: DomNode): string {
  let text = "";
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) text += child.textContent ?? "";
      else if (child.nodeName.toLowerCase() === "br") text += "\n";
      else walk(child);
    }
  };
  walk(element);
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\n\r\f]+/g, " ").replace(/^ | $/g, ""))
    .join("\n");
}

/** Reads `source` (the text of a ```mermaid block) as the report's wiring graph, or throws {@link MermaidRefusal}. */
export function judgeMermaidGraph(source: string): Promise<JudgedGraph> {
  return withMermaid(async (mermaid, window) => {
    const { db: anyDb, container } = await read(mermaid, window, source, /^flowchart/, (parsed) =>
      refuseInGraph(parsed as FlowDb, window),
    );
    const db = anyDb as FlowDb;
    const nodes = new Map<string, string>();
    for (const vertex of db.getVertices().values()) {
      const label = container.querySelector(`[id="${svgId}-${vertex.domId}"] .nodeLabel`);
      if (!label) throw new MermaidRefusal(`node ${vertex.id} has no label in the SVG`);
      // Mermaid wraps each label in a <p>; any other element came from the label's text (an icon, KaTeX, Markdown).
      const element = Array.from(label.querySelectorAll("*")).find(
        (e) => !["p", "br"].includes(e.nodeName.toLowerCase()),
      );
      if (element)
        throw new MermaidRefusal(
          `the label of ${vertex.id} shows a <${element.nodeName.toLowerCase()}> element: ${JSON.stringify(label.innerHTML)}`,
        );
      nodes.set(vertex.id, shownText(label));
    }
    refuseActiveElements(container);
    return {
      direction: db.getDirection() ?? "",
      nodes,
      edges: db.getEdges().map((edge): [string, string] => [edge.start, edge.end]),
    };
  });
}

/** Refuses, in the graph Mermaid read, every statement the report never writes and any HTML of a label's own. */
function refuseInGraph(db: FlowDb, window: DomWindow): void {
  for (const [what, value] of [
    ["a title", db.getDiagramTitle()],
    ["an accessible title", db.getAccTitle()],
    ["an accessible description", db.getAccDescription()],
  ]) {
    if (value) throw new MermaidRefusal(`the graph has ${what}: ${JSON.stringify(value)}`);
  }
  if (db.getSubGraphs().length > 0) throw new MermaidRefusal(`the graph has ${db.getSubGraphs().length} subgraph(s)`);
  if (db.getClasses().size > 0)
    throw new MermaidRefusal(`the graph defines classes: ${[...db.getClasses().keys()].join(", ")}`);
  for (const vertex of db.getVertices().values()) {
    const node = vertex.id;
    if (vertex.link !== undefined || vertex.linkTarget !== undefined)
      throw new MermaidRefusal(`node ${node} links to ${JSON.stringify(vertex.link)}`);
    if (vertex.haveCallback || vertex.classes.includes("clickable"))
      throw new MermaidRefusal(`node ${node} has a click handler`);
    const tooltip = db.getTooltip(node);
    if (tooltip !== undefined) throw new MermaidRefusal(`node ${node} has a tooltip: ${JSON.stringify(tooltip)}`);
    if (vertex.classes.length > 0 || vertex.styles.length > 0)
      throw new MermaidRefusal(`node ${node} is styled: ${JSON.stringify([...vertex.classes, ...vertex.styles])}`);
    if (vertex.img !== undefined || vertex.icon !== undefined)
      throw new MermaidRefusal(`node ${node} shows an image or icon`);
    // Entity codes are not `<` yet here: any element is the label's own HTML.
    const probe = window.document.createElement("div");
    probe.innerHTML = vertex.text ?? "";
    const element = Array.from(probe.querySelectorAll("*")).find((e) => e.nodeName.toLowerCase() !== "br");
    if (element)
      throw new MermaidRefusal(
        `the label of ${node} holds a <${element.nodeName.toLowerCase()}> element: ${JSON.stringify(vertex.text)}`,
      );
  }
  for (const edge of db.getEdges()) {
    if (edge.text !== "")
      throw new MermaidRefusal(`the edge ${edge.start} --> ${edge.end} has a label: ${JSON.stringify(edge.text)}`);
    if ((edge.style ?? []).length > 0 || edge.classes.length > 0)
      throw new MermaidRefusal(`the edge ${edge.start} --> ${edge.end} is styled`);
  }
}

/** A day as Mermaid holds it (a local-time Date, as dayjs parses `YYYY-MM-DD`), as `YYYY-MM-DD`. */
const day = (date: Date) =>
  `${String(date.getFullYear()).padStart(4, "0")}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/**
 * Reads `source` as the report's validity chart, or throws {@link MermaidRefusal}. (Mermaid draws its
 * "today" line at the real date; the judge reads nothing of it.)
 */
export function judgeMermaidGantt(source: string): Promise<JudgedGantt> {
  return withMermaid(async (mermaid, window) => {
    const { db: anyDb, container } = await read(mermaid, window, source, /^gantt$/, () => undefined);
    const db = anyDb as GanttDb;
    const settings: [string, unknown][] = [
      ["excludes", db.getExcludes().join(", ")],
      ["includes", db.getIncludes().join(", ")],
      ["todayMarker", db.getTodayMarker()],
      ["displayMode", db.getDisplayMode()],
      ["tickInterval", db.getTickInterval()],
      ["accTitle", db.getAccTitle()],
      ["accDescr", db.getAccDescription()],
    ];
    for (const [name, value] of settings)
      if (value) throw new MermaidRefusal(`the chart sets ${name}: ${JSON.stringify(value)}`);
    if (db.getLinks().size > 0)
      throw new MermaidRefusal(`a task links to ${JSON.stringify([...db.getLinks().values()])}`);
    const tasks = db.getTasks().filter((task) => !task.vert);
    const sections = new Map<string, JudgedTask[]>();
    for (const task of tasks) {
      const text = container.querySelector(`[id="${svgId}-${task.id}-text"]`);
      if (!text) throw new MermaidRefusal(`the task ${task.id} has no text in the SVG`);
      const name = shownText(text);
      if (task.classes.length > 0)
        throw new MermaidRefusal(
          `the task ${JSON.stringify(name)} has classes (a click handler): ${task.classes.join(", ")}`,
        );
      const tags = (["done", "active", "crit", "milestone"] as const).filter((tag) => task[tag]);
      const [start, end] = [day(task.startTime), day(task.endTime)];
      if (task.endTime.getTime() < task.startTime.getTime())
        throw new MermaidRefusal(
          `the bar ${JSON.stringify(name)} ends (${end}) before it starts (${start}): Mermaid draws it backwards`,
        );
      if (!sections.has(task.type)) sections.set(task.type, []);
      sections
        .get(task.type)!
        .push(task.milestone ? { name, tags: [...tags], start } : { name, tags: [...tags], start, end });
    }
    refuseActiveElements(container);
    // Mermaid draws one title per section that has a task, in the key order of an object keyed by section.
    const order = Object.keys(Object.fromEntries([...sections.keys()].map((key) => [key, true])));
    const titles = Array.from(container.querySelectorAll("text.sectionTitle"));
    if (titles.length !== order.length)
      throw new MermaidRefusal(`the chart draws ${titles.length} section titles for ${order.length} sections`);
    // Each line of a section title is a <tspan>.
    const titleOf = new Map(
      order.map((key, i) => [key, Array.from(titles[i]!.querySelectorAll("tspan")).map(shownText).join("\n")]),
    );
    const title = container.querySelector("text.titleText");
    return {
      title: title ? shownText(title) : "",
      dateFormat: db.getDateFormat(),
      axisFormat: db.getAxisFormat(),
      sections: [...sections].map(([key, sectionTasks]) => ({ name: titleOf.get(key)!, tasks: sectionTasks })),
    };
  });
}
