// The chain rule read off a recorded graph (the JSON form of GET /batches/{id}/graph): the paths from a leaf to the
// output, the local derivative on each edge, their products, and where every path passes one node v, the split
// ∂out/∂leaf = ∂out/∂v × ∂v/∂leaf. Pure functions of the graph, no DOM, so they read (and test) on their own.

/** The most paths listed one by one; beyond it the panel gives their count and their sum. */
export const MAX_PATHS = 64;

/**
 * The chain rule from `leafName` to the graph's output.
 *
 * @returns {{leaf, output, paths: Array<{nodes: string[], edges: object[], factors: number[], product: number}>,
 *     pathCount: number, truncated: boolean, sum: number, gradient: number|null, splits: Array<{via: string,
 *     upstream: number, local: number, product: number}>, scalar: boolean, reason: string|null}}
 *     `scalar` is false when a path runs through a tensor (its local derivative is a Jacobian, not a number);
 *     `reason` says why then, and the paths are still listed by name.
 */
export function chainOf(graph, leafName) {
  const byName = new Map(graph.nodes.map(node => [node.name, node]));
  const byId = new Map(graph.nodes.map(node => [node.id, node]));
  const leaf = byName.get(leafName);
  const output = byName.get(graph.output);
  if (!leaf) {
    throw new Error(`no node named "${leafName}" in the graph`);
  }
  const result = {leaf, output, paths: [], pathCount: 0, truncated: false, sum: 0, gradient: null, splits: [],
    scalar: true, reason: null};
  if (!output) {
    result.scalar = false;
    result.reason = `the output node "${graph.output}" was never reached (the batch failed before it)`;
    return result;
  }
  result.gradient = isNumber(leaf.gradient) ? leaf.gradient : null;

  // Nodes in tape order (a topological order), edges by their endpoints.
  const order = [...graph.nodes].sort((a, b) => a.index - b.index);
  const outgoing = new Map(order.map(node => [node.id, []]));
  const incoming = new Map(order.map(node => [node.id, []]));
  for (const edge of graph.edges) {
    if (byId.has(edge.from) && byId.has(edge.to)) {
      outgoing.get(edge.from).push(edge);
      incoming.get(edge.to).push(edge);
    }
  }
  // Paths are listed the way values flow: the earliest reader first.
  for (const edges of outgoing.values()) {
    edges.sort((a, b) => byId.get(a.to).index - byId.get(b.to).index || a.position - b.position);
  }

  // How many paths run from the leaf to each node, and from each node to the output. A node on every path is one
  // the leaf's whole influence passes through: there the chain rule splits into two factors.
  const fromLeaf = new Map(order.map(node => [node.id, 0]));
  fromLeaf.set(leaf.id, 1);
  for (const node of order) {
    for (const edge of outgoing.get(node.id)) {
      fromLeaf.set(edge.to, fromLeaf.get(edge.to) + fromLeaf.get(node.id));
    }
  }
  const toOutput = new Map(order.map(node => [node.id, 0]));
  toOutput.set(output.id, 1);
  for (const node of [...order].reverse()) {
    for (const edge of incoming.get(node.id)) {
      toOutput.set(edge.from, toOutput.get(edge.from) + toOutput.get(node.id));
    }
  }
  result.pathCount = fromLeaf.get(output.id);
  if (result.pathCount === 0) {
    result.reason = `${leaf.name} does not reach ${output.name}: its gradient is 0`;
    return result;
  }

  // Every path, depth first, in the order the edges come, through nodes that reach the output.
  const stack = [{node: leaf, nodes: [leaf.name], edges: []}];
  const found = [];
  while (stack.length > 0 && found.length < MAX_PATHS) {
    const {node, nodes, edges} = stack.pop();
    if (node.id === output.id) {
      found.push({nodes, edges});
      continue;
    }
    const next = outgoing.get(node.id).filter(edge => toOutput.get(edge.to) > 0);
    for (let i = next.length - 1; i >= 0; i--) {
      const target = byId.get(next[i].to);
      stack.push({node: target, nodes: [...nodes, target.name], edges: [...edges, next[i]]});
    }
  }
  result.truncated = result.pathCount > found.length;

  const tensorEdge = found.flatMap(path => path.edges).find(edge => !isNumber(edge.local));
  if (tensorEdge) {
    result.scalar = false;
    const from = byId.get(tensorEdge.from);
    const to = byId.get(tensorEdge.to);
    result.reason = tensorEdge.local === null || tensorEdge.local === undefined
      ? (graph.status === 'failed' && to.gradient == null
        ? 'the batch failed before its backward pass: no local derivatives were recorded'
        : `${to.name} is a tensor ${shapeText(to.shape)}: its derivative with respect to ${from.name} is a`
          + ` Jacobian, shown in the picture as the rule ${tensorEdge.rule ?? ''}`)
      : `${from.name} is a tensor ${shapeText(from.shape)}: ∂${to.name}/∂${from.name} is a vector, shown in the`
        + ' picture on its arrow';
    result.paths = found.map(path => ({...path, factors: [], product: NaN}));
    return result;
  }

  result.paths = found.map(path => {
    const factors = path.edges.map(edge => edge.local);
    return {...path, factors, product: factors.reduce((a, b) => a * b, 1)};
  });
  result.sum = result.paths.reduce((a, path) => a + path.product, 0);

  // ∂v/∂leaf for every node the leaf reaches: forward accumulation of the local factors, a sum over the paths.
  const derivative = new Map([[leaf.id, 1]]);
  for (const node of order) {
    if (!derivative.has(node.id)) {
      continue;
    }
    for (const edge of outgoing.get(node.id)) {
      if (toOutput.get(edge.to) > 0 && isNumber(edge.local)) {
        derivative.set(edge.to, (derivative.get(edge.to) ?? 0) + edge.local * derivative.get(node.id));
      }
    }
  }
  for (const node of order) {
    const onEvery = fromLeaf.get(node.id) * toOutput.get(node.id) === result.pathCount;
    if (onEvery && node.id !== leaf.id && node.id !== output.id && isNumber(node.gradient)
        && derivative.has(node.id)) {
      const local = derivative.get(node.id);
      result.splits.push({via: node.name, upstream: node.gradient, local, product: node.gradient * local});
    }
  }
  return result;
}

/** Whether two numbers agree up to the rounding of a few products. */
export function agrees(a, b) {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** A number as JavaScript writes it shortest while reading back exactly: 960, 0.1, -2.5e-7. */
export function number(value) {
  if (value === null || value === undefined) {
    return '–';
  }
  if (typeof value === 'string') {
    return value; // "NaN" and the infinities, as some JSON writers spell them
  }
  return Object.is(value, -0) ? '0' : String(value);
}

/** A nested array of numbers as text: [[1, 2], [3, 4]]. */
export function tensorText(value) {
  if (Array.isArray(value)) {
    return '[' + value.map(tensorText).join(', ') + ']';
  }
  return number(value);
}

export function shapeText(shape) {
  return '[' + (shape ?? []).map(d => (d === null ? 'N' : d)).join(', ') + ']';
}

function isNumber(value) {
  return typeof value === 'number';
}
