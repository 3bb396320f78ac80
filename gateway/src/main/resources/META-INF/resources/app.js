// The page at /: a network and a batch through the pipeline, the picture of the graph that ran, the gradient vector
// and the chain rule along the paths from a leaf; and a job's progress with its loss curve. Plain modules, served by
// the gateway with everything they use: the page works offline.
import {agrees, chainOf, number, shapeText, tensorText} from './chain.js';

/** The chapter's examples, served by the gateway from the repository's examples/ folder. */
const EXAMPLES = [
  {id: 'single-neuron', title: 'Single neuron with ReLU', network: 'single-neuron.network.json',
    batch: 'single-neuron.batch.json',
    note: 'y = ReLU(w·x + b) at x = [1, −2, 3], w = [−3, −1, 2], b = 1: ∂y/∂w = x, ∂y/∂x = w, ∂y/∂b = 1.'},
  {id: 'polynomial', title: 'f(x, y, z) = 3x³z − y² + 5z + 2yz', network: 'polynomial.network.json',
    batch: 'polynomial.batch.json',
    note: 'At (1, 2, 3): ∇f = (9x²z, −2y + 2z, 3x³ + 5 + 2y) = (27, 2, 12). z is used three times, so its'
      + ' gradient is the sum of three paths.'},
  {id: 'chain-rule', title: 'h(x) = 3(2x²)⁵', network: 'chain-rule.network.json', batch: 'chain-rule.batch.json',
    note: 'h′(x) = 15(2x²)⁴ · 4x, so h′(1) = 240 · 4 = 960: the product of the local factors along the path.'},
  {id: 'max', title: 'max(x, y) at its kink, x = y', network: 'max.network.json', batch: 'max.batch.json',
    note: 'At x = y = 3 the engine follows the chapter, ∂max/∂x = 1(x > y) = 0, and gives the rest to the second'
      + ' input: ∂max/∂y = 1(x ≤ y) = 1. The two partial derivatives always sum to 1.'},
  {id: 'relu', title: 'ReLU at its kink, x = 0', network: 'relu.network.json', batch: 'relu.batch.json',
    note: 'ReLU′(0) = 0, as the chapter defines it (1 only for x > 0).'},
  {id: 'mlp', title: 'Two Dense layers (a layer list)', network: 'mlp.network.json', batch: 'mlp.batch.json',
    note: 'A layer-list network: each Dense layer is one box; expand it to see its matmul, add and activation.'},
  {id: 'custom', title: 'Your own: paste a definition and a batch', note: 'Paste a network definition and a batch'
      + ' (see the README for the format); the fields keep what they hold.'},
];

const DEFAULT_EXAMPLE = 'chain-rule';
const ANSWER_TIMEOUT_MS = 60_000;
const GRAPH_TIMEOUT_MS = 15_000;
/** Below this scale a picture's text is too small to read: it is shown at its own size, scrolling, instead. */
const MIN_FIT_ZOOM = 0.7;
const ENDED = new Set(['done', 'failed', 'cancelled']);
const JOB_EVENTS = ['queued', 'running', 'done', 'failed', 'cancelled'];

const $ = selector => document.querySelector(selector);

/** What the right-hand column shows. */
const state = {batchId: null, result: null, graph: null, expanded: new Set(), zoom: 1, natural: null};

// ---------------------------------------------------------------------------------------------------------------
// The REST API

/** An answer that was not 2xx, or a request that never got one (status 0). */
class ApiError extends Error {
  constructor(status, request, message, field) {
    super(message);
    this.status = status;
    this.request = request;
    this.field = field;
  }
}

function apiKeyHeader() {
  const key = $('#api-key').value.trim();
  return key ? {'X-API-Key': key} : {};
}

/**
 * One request to the gateway. `json` is sent as the body (a string as it is, anything else stringified). Throws an
 * ApiError carrying the gateway's status, message and field for anything but 2xx.
 */
async function api(method, path, {json, accept, signal} = {}) {
  const headers = {...apiKeyHeader()};
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = typeof json === 'string' ? json : JSON.stringify(json);
  }
  if (accept) {
    headers.Accept = accept;
  }
  const request = `${method} ${path}`;
  let response;
  try {
    response = await fetch(path, {method, headers, body, signal});
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, request, `the gateway could not be reached (${e.message})`, null);
  }
  if (!response.ok) {
    const text = await response.text();
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the text is the message
    }
    const message = parsed && typeof parsed.message === 'string' ? parsed.message
      : (text.trim() || response.statusText || 'no message');
    throw new ApiError(response.status, request, message, parsed?.field ?? null);
  }
  return response;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else if (name.startsWith('data-')) {
      element.setAttribute(name, value);
    } else {
      element[name] = value;
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** Shows an error in `box`: the status, the request, the field of a 400, and the message; never swallowed. */
function showError(box, error, context) {
  box.replaceChildren();
  box.hidden = false;
  if (error instanceof ApiError) {
    box.dataset.status = String(error.status);
    box.dataset.field = error.field ?? '';
    box.append(
      context ? el('span', {class: 'error-context'}, context, ': ') : '',
      error.status ? el('strong', {class: 'error-status'}, String(error.status)) : el('strong', {}, 'no answer'),
      ' ', el('span', {class: 'error-request'}, error.request),
      error.field ? el('span', {}, ' — field ', el('code', {class: 'error-field'}, error.field)) : '',
      el('div', {class: 'error-message'}, error.message));
  } else {
    box.dataset.status = '';
    box.dataset.field = '';
    box.append(context ? el('span', {class: 'error-context'}, context, ': ') : '',
      el('div', {class: 'error-message'}, error.message ?? String(error)));
  }
}

function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

function setStatus(text, busy = false) {
  $('#status').textContent = text;
  $('#status').classList.toggle('busy', busy);
}

// ---------------------------------------------------------------------------------------------------------------
// Examples

async function loadText(path) {
  const response = await api('GET', path, {accept: 'application/json'});
  return response.text();
}

async function chooseExample(id) {
  const example = EXAMPLES.find(e => e.id === id) ?? EXAMPLES[0];
  $('#example-note').textContent = example.note;
  delete document.body.dataset.example;
  if (example.network) {
    try {
      const [network, batch] = await Promise.all([loadText(`/examples/${example.network}`),
        loadText(`/examples/${example.batch}`)]);
      if ($('#example').value !== id) {
        return; // another example was chosen meanwhile
      }
      $('#definition').value = network.trim();
      $('#batch').value = batch.trim();
      clearError($('#error'));
    } catch (e) {
      showError($('#error'), e, `loading the example ${example.network}`);
    }
  }
  document.body.dataset.example = id;
}

// ---------------------------------------------------------------------------------------------------------------
// A batch through the pipeline

async function compute() {
  const button = $('#submit');
  button.disabled = true;
  clearError($('#error'));
  try {
    let batch;
    try {
      batch = JSON.parse($('#batch').value);
    } catch (e) {
      throw new Error(`the batch is not JSON: ${e.message}`);
    }
    if (batch === null || typeof batch !== 'object' || Array.isArray(batch)) {
      throw new Error('the batch must be a JSON object: {"inputs": {…}, "targets": {…}}');
    }
    batch.trace = true;

    setStatus('registering the network…', true);
    const {networkId} = await (await api('POST', '/networks', {json: $('#definition').value})).json();
    setStatus('submitting the batch…', true);
    const {batchId} = await (await api('POST', `/networks/${encodeURIComponent(networkId)}/batches`,
      {json: batch})).json();
    const result = await awaitResult(batchId);
    setStatus('fetching the graph…', true);

    Object.assign(state, {batchId, result, graph: null, expanded: new Set()});
    $('#placeholder').hidden = true;
    $('#result').hidden = false;
    $('#result').dataset.batch = batchId;
    $('#graph-caption').textContent = `batch ${batchId}`;
    if (result.status === 'failed') {
      showError($('#error'), new Error(result.error ?? 'no reason given'), `batch ${batchId} failed`);
    }
    renderGradients();
    let graphError = null;
    try {
      state.graph = await (await awaitGraph(batchId, 'application/json')).json();
    } catch (e) {
      graphError = e;
    }
    renderExpandButtons();
    renderChainLeaves();
    await drawPicture(graphError);
    renderGradients();
    renderChain();
    setStatus(result.status === 'done' ? `done: ${$('#output-value').textContent}` : 'failed', false);
    document.body.dataset.batch = batchId;
  } catch (e) {
    setStatus('', false);
    showError($('#error'), e);
  } finally {
    button.disabled = false;
  }
}

/** Polls GET /batches/{id} until the batch is done or failed, or the timeout passes. */
async function awaitResult(batchId) {
  const started = performance.now();
  let wait = 50;
  for (;;) {
    const result = await (await api('GET', `/batches/${encodeURIComponent(batchId)}`)).json();
    if (result.status !== 'pending') {
      return result;
    }
    const elapsed = performance.now() - started;
    if (elapsed > ANSWER_TIMEOUT_MS) {
      throw new Error(`batch ${batchId} is still pending after ${ANSWER_TIMEOUT_MS / 1000} s: no answer came`
        + ' back. Are the forward-service and the gradient-service running?');
    }
    setStatus(`waiting for the answer… ${(elapsed / 1000).toFixed(1)} s`, true);
    await sleep(wait);
    wait = Math.min(wait * 2, 500);
  }
}

/** GET /batches/{id}/graph in one format, waiting out 409s (the trace may trail the answer a little). */
async function awaitGraph(batchId, accept, expand = '') {
  const started = performance.now();
  const query = expand ? `?expand=${encodeURIComponent(expand)}` : '';
  for (;;) {
    try {
      return await api('GET', `/batches/${encodeURIComponent(batchId)}/graph${query}`, {accept});
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409 || performance.now() - started > GRAPH_TIMEOUT_MS) {
        throw e;
      }
      await sleep(200);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The picture

async function drawPicture(knownError = null) {
  const picture = $('#picture');
  const errorBox = $('#picture-error');
  clearError(errorBox);
  let svgText;
  try {
    if (knownError && !(knownError instanceof ApiError && knownError.status === 413)) {
      throw knownError; // the JSON form already said why there is no picture
    }
    svgText = await (await awaitGraph(state.batchId, 'image/svg+xml', [...state.expanded].join(','))).text();
  } catch (e) {
    picture.replaceChildren();
    picture.hidden = true;
    showError(errorBox, e, 'no picture');
    return;
  }
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg' || parsed.querySelector('parsererror')) {
    picture.replaceChildren();
    picture.hidden = true;
    showError(errorBox, new Error('the gateway answered something that is not SVG'), 'no picture');
    return;
  }
  // The SVG is the gateway's own drawing; still, nothing in it may run.
  root.querySelectorAll('script, foreignObject').forEach(node => node.remove());
  root.querySelectorAll('*').forEach(node => [...node.attributes]
    .filter(attribute => attribute.name.toLowerCase().startsWith('on'))
    .forEach(attribute => node.removeAttribute(attribute.name)));
  const svg = document.importNode(root, true);
  state.natural = naturalSize(svg);
  if (state.natural && !svg.hasAttribute('viewBox')) {
    svg.setAttribute('viewBox', `0 0 ${state.natural.width} ${state.natural.height}`);
  }
  picture.replaceChildren(svg);
  picture.hidden = false;
  // Fit the width while the text stays readable; a wider picture keeps its size and scrolls.
  const fits = state.natural ? Math.min(1, (picture.clientWidth - 20) / state.natural.width) : 1;
  setZoom(fits >= MIN_FIT_ZOOM ? fits : 1);
  highlightChain();
}

function naturalSize(svg) {
  const width = parseFloat(svg.getAttribute('width'));
  const height = parseFloat(svg.getAttribute('height'));
  if (width > 0 && height > 0) {
    return {width, height};
  }
  const box = (svg.getAttribute('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  return box.length === 4 && box[2] > 0 && box[3] > 0 ? {width: box[2], height: box[3]} : null;
}

function setZoom(zoom) {
  state.zoom = Math.min(8, Math.max(0.1, zoom));
  const svg = $('#picture > svg');
  if (svg && state.natural) {
    svg.setAttribute('width', String(state.natural.width * state.zoom));
    svg.setAttribute('height', String(state.natural.height * state.zoom));
  }
}

function renderExpandButtons() {
  const box = $('#expand');
  box.replaceChildren();
  const groups = Object.keys(state.graph?.groups ?? {});
  box.hidden = groups.length === 0;
  if (groups.length === 0) {
    return;
  }
  box.append(el('span', {class: 'caption'}, 'layers:'));
  for (const group of groups) {
    const button = el('button', {type: 'button', class: 'expand-layer', 'data-layer': group,
      title: `Draw ${group} op by op, or as one box`}, group);
    button.classList.toggle('on', state.expanded.has(group));
    button.addEventListener('click', () => {
      state.expanded.has(group) ? state.expanded.delete(group) : state.expanded.add(group);
      redrawExpanded();
    });
    box.append(button);
  }
  const all = el('button', {type: 'button', class: 'expand-all'},
    state.expanded.size === groups.length ? 'collapse all' : 'expand all');
  all.addEventListener('click', () => {
    state.expanded = state.expanded.size === groups.length ? new Set() : new Set(groups);
    redrawExpanded();
  });
  box.append(all);
}

/** Layers opened or closed: the picture and the JSON form (whose nodes the chain panel follows) again. */
async function redrawExpanded() {
  renderExpandButtons();
  try {
    state.graph = await (await awaitGraph(state.batchId, 'application/json', [...state.expanded].join(','))).json();
  } catch (e) {
    showError($('#picture-error'), e, 'no graph');
    return;
  }
  renderChainLeaves();
  await drawPicture();
  renderChain();
}

async function downloadDot() {
  if (!state.batchId) {
    return;
  }
  try {
    const dot = await (await awaitGraph(state.batchId, 'text/vnd.graphviz', [...state.expanded].join(','))).text();
    const link = el('a', {href: URL.createObjectURL(new Blob([dot], {type: 'text/vnd.graphviz'})),
      download: `batch-${state.batchId}.dot`});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (e) {
    showError($('#picture-error'), e, 'no DOT');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The gradient vector

function renderGradients() {
  const {result, graph} = state;
  const body = $('#gradient-table tbody');
  body.replaceChildren();
  if (!result || result.status !== 'done') {
    // A failed batch's graph ends at the failing node, which is not the network's output.
    $('#gradients h2').textContent = 'Gradient vector';
    $('#output-value').textContent = `no output: the batch ${result?.status ?? 'has no answer'}`;
    body.append(el('tr', {}, el('td', {colSpan: 4, class: 'note'}, 'no gradients: the batch failed')));
    return;
  }
  const output = graph?.output ?? 'output';
  $('#gradients h2').textContent = `Gradient vector ∇${output}`;
  $('#output-value').textContent = `${output} = ${tensorText(result.output)}`;
  const nodes = new Map((graph?.nodes ?? []).map(node => [node.name, node]));
  const rows = [...Object.entries(result.inputGradients ?? {}).map(([name, g]) => [name, 'input', g]),
    ...Object.entries(result.parameterGradients ?? {}).map(([name, g]) => [name, 'parameter', g])];
  for (const [name, kind, gradient] of rows) {
    const shape = nodes.get(name)?.shape ?? shapeOf(gradient);
    body.append(el('tr', {class: 'gradient-row', 'data-name': name, 'data-kind': kind},
      el('th', {scope: 'row'}, `∂${output}/∂${name}`),
      el('td', {class: 'kind'}, kind),
      el('td', {class: 'shape'}, shape.length ? shapeText(shape) : 'scalar'),
      el('td', {class: 'gradient-value'}, el('code', {}, tensorLines(gradient)))));
  }
}

/** A tensor as text, a matrix (or higher) one row of its first axis per line. */
function tensorLines(value) {
  return Array.isArray(value) && value.some(Array.isArray)
    ? '[' + value.map(tensorText).join(',\n ') + ']'
    : tensorText(value);
}

function shapeOf(value) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------------------------
// The chain panel

const LEAF_KINDS = ['input', 'parameter', 'constant'];

function renderChainLeaves() {
  const select = $('#chain-leaf');
  const previous = select.value;
  select.replaceChildren();
  const leaves = (state.graph?.nodes ?? []).filter(node => LEAF_KINDS.includes(node.kind))
    .sort((a, b) => LEAF_KINDS.indexOf(a.kind) - LEAF_KINDS.indexOf(b.kind) || a.index - b.index);
  for (const node of leaves) {
    select.append(el('option', {value: node.name}, `${node.name} (${node.kind})`));
  }
  if (leaves.some(node => node.name === previous)) {
    select.value = previous;
  }
}

function renderChain() {
  const body = $('#chain-body');
  body.replaceChildren();
  const graph = state.graph;
  if (!graph) {
    body.append(el('p', {class: 'note'}, 'The chain rule needs the graph\'s JSON form, which is not available.'));
    highlightChain();
    return;
  }
  if (state.result?.status !== 'done') {
    const failure = graph.failure;
    body.append(el('p', {class: 'note chain-reason'}, failure
      ? `The batch failed at ${failure.node} (marked in the picture), so there are no gradients to follow.`
      : 'The batch failed, so there are no gradients to follow.'));
    highlightChain(null);
    return;
  }
  const leafName = $('#chain-leaf').value;
  if (!leafName) {
    body.append(el('p', {class: 'note'}, 'This graph has no input or parameter.'));
    return;
  }
  const chain = chainOf(graph, leafName);
  const out = chain.output?.name ?? graph.output;
  const d = (a, b) => `∂${a}/∂${b}`;
  body.dataset.leaf = leafName;

  if (chain.reason && chain.paths.length === 0) {
    body.append(el('p', {class: 'note chain-reason'}, chain.reason));
    highlightChain(chain);
    return;
  }
  const many = chain.pathCount > 1;
  body.append(el('p', {class: 'chain-total'},
    chain.scalar ? el('strong', {}, `${d(out, leafName)} = ${number(chain.gradient ?? chain.sum)}`)
      : d(out, leafName),
    `, along ${chain.pathCount} path${many ? 's' : ''}`,
    many ? ' (the gradient of a sum: one term per path)' : ''));

  const list = el('ol', {class: 'chain-paths'});
  chain.paths.forEach((path, i) => {
    const steps = [el('span', {class: 'chain-node'}, path.nodes[0])];
    path.edges.forEach((edge, k) => {
      steps.push(el('span', {class: 'chain-factor', 'data-edge': edge.id,
        title: `${d(path.nodes[k + 1], path.nodes[k])}, the local derivative on this edge`},
      chain.scalar ? `—${number(edge.local)}→` : '→'));
      steps.push(el('span', {class: 'chain-node'}, path.nodes[k + 1]));
    });
    const item = el('li', {class: 'chain-path', 'data-path': String(i)}, el('div', {class: 'chain-steps'}, steps));
    if (chain.scalar) {
      item.dataset.product = String(path.product);
      item.append(el('div', {class: 'chain-product'},
        `${path.factors.map(number).join(' × ')} = `, el('strong', {}, number(path.product))));
    }
    list.append(item);
  });
  body.append(list);
  if (chain.truncated) {
    body.append(el('p', {class: 'note'}, `…and ${chain.pathCount - chain.paths.length} more paths, not listed.`));
  }
  if (!chain.scalar) {
    body.append(el('p', {class: 'note chain-reason'}, chain.reason));
    highlightChain(chain);
    return;
  }
  if (many && !chain.truncated) {
    body.append(el('p', {class: 'chain-sum', 'data-sum': String(chain.sum)},
      `${d(out, leafName)} = `, chain.paths.map(path => term(path.product)).join(' + '), ' = ',
      el('strong', {}, number(chain.sum))));
  }
  if (chain.gradient !== null && !chain.truncated) {
    const same = agrees(chain.sum, chain.gradient);
    body.append(el('p', {class: `chain-check ${same ? 'ok' : 'mismatch'}`},
      same ? `✓ the gradient the backward pass computed: ${number(chain.gradient)}`
        : `✗ the backward pass computed ${number(chain.gradient)}, the paths give ${number(chain.sum)}`));
  }
  if (chain.splits.length > 0) {
    body.append(el('h3', {}, 'Split at a node every path passes'));
    const table = el('table', {class: 'chain-splits'});
    for (const split of chain.splits) {
      table.append(el('tr', {class: 'chain-split', 'data-via': split.via},
        el('td', {}, `${d(out, leafName)} = ${d(out, split.via)} × ${d(split.via, leafName)}`),
        el('td', {}, `= ${number(split.upstream)} × ${number(split.local)} = `,
          el('strong', {}, number(split.product)))));
    }
    body.append(table, el('p', {class: 'note'}, `${d(out, 'v')} is v's gradient (in the picture: grad), and`
      + ` ${d('v', leafName)} the product of the local factors from ${leafName} to v.`));
  }
  highlightChain(chain);
}

function term(value) {
  return value < 0 ? `(${number(value)})` : number(value);
}

/** Marks the chain's paths in the picture: the leaf, the nodes and the arrows along them. */
function highlightChain(chain = state.chain) {
  state.chain = chain;
  const picture = $('#picture');
  picture.querySelectorAll('.on-path, .chain-leaf').forEach(node => node.classList.remove('on-path', 'chain-leaf'));
  if (!chain || !state.graph) {
    return;
  }
  const mark = (id, cls) => {
    const node = picture.querySelector(`#${CSS.escape(id)}`);
    node?.classList.add(cls);
  };
  for (const path of chain.paths) {
    path.edges.forEach(edge => {
      mark(edge.id, 'on-path');
      mark(edge.to, 'on-path');
    });
  }
  mark(chain.leaf.id, 'chain-leaf');
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs

const job = {id: null, source: null, abort: null, losses: []};

async function startJob() {
  clearError($('#job-error'));
  stopFollowing();
  job.losses = [];
  drawCurve([], []);
  $('#job-submit').disabled = true;
  try {
    const {jobId} = await (await api('POST', '/jobs', {json: $('#job').value})).json();
    job.id = jobId;
    $('#job-id').textContent = `job ${jobId}`;
    $('#job-cancel').disabled = false;
    showProgress({status: 'queued'});
    follow(jobId);
  } catch (e) {
    showError($('#job-error'), e);
    $('#job-submit').disabled = false;
  }
}

/** Follows GET /jobs/{id}/events: with EventSource, or, since EventSource sends no headers, by fetch with a key. */
function follow(jobId) {
  const path = `/jobs/${encodeURIComponent(jobId)}/events`;
  if (Object.keys(apiKeyHeader()).length === 0) {
    const source = new EventSource(path);
    job.source = source;
    for (const name of JOB_EVENTS) {
      source.addEventListener(name, event => onProgress(jobId, JSON.parse(event.data)));
    }
    source.onerror = () => {
      if (job.source === source && source.readyState === EventSource.CLOSED) {
        stopFollowing();
        recoverStatus(jobId);
      }
    };
    return;
  }
  const abort = new AbortController();
  job.abort = abort;
  readEvents(path, abort.signal, (name, data) => onProgress(jobId, JSON.parse(data)))
    .then(() => job.id === jobId && !job.ended && recoverStatus(jobId))
    .catch(e => e.name !== 'AbortError' && showError($('#job-error'), e, 'the event stream'));
}

/** Server-Sent Events read from a fetch body: blocks of "event:" and "data:" lines separated by a blank line. */
async function readEvents(path, signal, onEvent) {
  const response = await api('GET', path, {accept: 'text/event-stream', signal});
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffer = (buffer + value).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) {
          name = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
      if (data.length > 0) {
        onEvent(name, data.join('\n'));
      }
    }
  }
}

/** The stream closed without an end event (an unknown job, a gateway restart): ask for the status once. */
async function recoverStatus(jobId) {
  try {
    const progress = await (await api('GET', `/jobs/${encodeURIComponent(jobId)}`)).json();
    onProgress(jobId, progress);
    if (!ENDED.has(progress.status)) {
      follow(jobId);
    }
  } catch (e) {
    showError($('#job-error'), e, 'following the job');
    endJob();
  }
}

function stopFollowing() {
  job.source?.close();
  job.source = null;
  job.abort?.abort();
  job.abort = null;
}

function onProgress(jobId, progress) {
  if (jobId !== job.id) {
    return;
  }
  showProgress(progress);
  if (Array.isArray(progress.history) && progress.history.length > 0) {
    drawCurve(progress.history.map(epoch => epoch.loss), progress.history.map(epoch => epoch.accuracy));
  } else if (typeof progress.loss === 'number') {
    job.losses.push(progress.loss);
    drawCurve(job.losses, []);
  }
  if (ENDED.has(progress.status)) {
    if (progress.status === 'failed') {
      showError($('#job-error'), new Error(progress.error ?? 'no reason given'), `job ${jobId} failed`);
    }
    endJob();
  }
}

function endJob() {
  job.ended = true;
  stopFollowing();
  $('#job-cancel').disabled = true;
  $('#job-submit').disabled = false;
}

function showProgress(progress) {
  job.ended = ENDED.has(progress.status);
  const status = $('#job-status');
  status.textContent = progress.status ?? '–';
  status.className = `job-status ${progress.status ?? ''}`;
  document.body.dataset.jobStatus = progress.status ?? '';
  $('#job-epoch').textContent = progress.epochs ? `${(progress.epoch ?? 0) + 1} / ${progress.epochs}` : '–';
  $('#job-step').textContent = progress.steps ? `${progress.step ?? 0} / ${progress.steps}` : '–';
  $('#job-loss').textContent = typeof progress.loss === 'number' ? progress.loss.toFixed(6) : '–';
  $('#job-accuracy').textContent = typeof progress.accuracy === 'number' ? progress.accuracy.toFixed(3) : '–';
}

async function cancelJob() {
  if (!job.id) {
    return;
  }
  $('#job-cancel').disabled = true;
  try {
    await api('DELETE', `/jobs/${encodeURIComponent(job.id)}`);
    $('#job-status').textContent = 'cancelling…';
  } catch (e) {
    showError($('#job-error'), e, 'cancelling');
    $('#job-cancel').disabled = job.ended;
  }
}

/** The loss per epoch (and the accuracy, on its own 0 to 1 scale) as polylines in the curve's 480 × 200 box. */
function drawCurve(losses, accuracies) {
  const svg = $('#loss-curve');
  const ns = 'http://www.w3.org/2000/svg';
  const make = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, String(value)));
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  };
  svg.replaceChildren();
  if (losses.length === 0) {
    svg.append(make('text', {x: 240, y: 100, 'text-anchor': 'middle', class: 'empty'},
      'the loss curve appears here'));
    return;
  }
  const left = 56;
  const right = 470;
  const top = 12;
  const bottom = 176;
  // The axis spans the losses seen (with a little room), so early, small improvements show too.
  const pad = (Math.max(...losses) - Math.min(...losses)) * 0.05 || Math.abs(losses[0]) * 0.05 || 1;
  const max = Math.max(...losses) + pad;
  const min = Math.min(...losses) - pad;
  const x = i => left + (losses.length === 1 ? 0 : (i / (losses.length - 1)) * (right - left));
  const y = value => bottom - ((value - min) / (max - min || 1)) * (bottom - top);
  svg.append(
    make('line', {x1: left, y1: bottom, x2: right, y2: bottom, class: 'axis'}),
    make('line', {x1: left, y1: top, x2: left, y2: bottom, class: 'axis'}),
    make('text', {x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'tick'}, max.toPrecision(3)),
    make('text', {x: left - 6, y: bottom, 'text-anchor': 'end', class: 'tick'}, min.toPrecision(3)),
    make('text', {x: (left + right) / 2, y: 196, 'text-anchor': 'middle', class: 'tick'},
      `epoch (${losses.length})`),
    make('polyline', {class: 'loss-line', points: losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ')}),
    make('text', {x: right, y: top + 4, 'text-anchor': 'end', class: 'legend loss'}, 'loss'));
  const accuracy = accuracies.filter(a => typeof a === 'number');
  if (accuracy.length === losses.length) {
    const ya = value => bottom - value * (bottom - top);
    svg.append(make('polyline', {class: 'accuracy-line',
      points: accuracies.map((v, i) => `${x(i).toFixed(1)},${ya(v).toFixed(1)}`).join(' ')}),
    make('text', {x: right, y: top + 18, 'text-anchor': 'end', class: 'legend accuracy'}, 'accuracy (0–1)'));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring

function init() {
  const select = $('#example');
  for (const example of EXAMPLES) {
    select.append(el('option', {value: example.id}, example.title));
  }
  select.value = DEFAULT_EXAMPLE;
  select.addEventListener('change', () => chooseExample(select.value));
  chooseExample(DEFAULT_EXAMPLE);

  const key = $('#api-key');
  key.value = sessionStorage.getItem('gradflow.apiKey') ?? '';
  key.addEventListener('change', () => sessionStorage.setItem('gradflow.apiKey', key.value.trim()));

  $('#submit').addEventListener('click', compute);
  $('#chain-leaf').addEventListener('change', renderChain);
  $('#zoom-in').addEventListener('click', () => setZoom(state.zoom * 1.25));
  $('#zoom-out').addEventListener('click', () => setZoom(state.zoom / 1.25));
  $('#zoom-fit').addEventListener('click', () => state.natural
    && setZoom(($('#picture').clientWidth - 16) / state.natural.width));
  $('#dot').addEventListener('click', downloadDot);
  $('#picture').addEventListener('wheel', event => {
    if (event.ctrlKey) {
      event.preventDefault();
      setZoom(state.zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
    }
  }, {passive: false});
  // A click on a leaf's box follows the chain from that leaf; on a layer's box, opens the layer.
  $('#picture').addEventListener('click', event => {
    const box = event.target.closest?.('g.box[data-name]');
    const name = box?.getAttribute('data-name');
    if (box?.classList.contains('layer') && Object.hasOwn(state.graph?.groups ?? {}, name)) {
      state.expanded.add(name);
      redrawExpanded();
    } else if (name && [...$('#chain-leaf').options].some(option => option.value === name)) {
      $('#chain-leaf').value = name;
      renderChain();
    }
  });

  $('#job-submit').addEventListener('click', startJob);
  $('#job-cancel').addEventListener('click', cancelJob);
  loadText('/examples/spiral-training.job.json')
    .then(text => { $('#job').value = text.trim(); })
    .catch(e => showError($('#job-error'), e, 'loading examples/spiral-training.job.json'));
  document.body.dataset.ready = 'true';
}

init();
