// The message tree of a conversation, as pure functions over its nodes. A branch is the path
// from the root to a leaf; siblings (same parent) are alternative branches: a regenerated
// answer, or an edited question. The active branch is the path to the conversation's active
// leaf; switching to a message activates the newest path below it.

export interface TreeNode {
  id: string;
  parentId: string | null;
  role: string;
  createdAt: Date;
}

const byAge = (a: TreeNode, b: TreeNode) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MessageTree<N extends TreeNode = TreeNode> {
  private readonly byId = new Map<string, N>();
  private readonly children = new Map<string | null, N[]>();

  constructor(nodes: readonly N[]) {
    for (const n of [...nodes].sort(byAge)) {
      this.byId.set(n.id, n);
      const list = this.children.get(n.parentId) ?? [];
      list.push(n);
      this.children.set(n.parentId, list);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): N | undefined {
    return this.byId.get(id);
  }

  /** Root → `leafId`, oldest first; empty when the id is unknown. */
  pathTo(leafId: string | null): N[] {
    const path: N[] = [];
    const seen = new Set<string>();
    let node = leafId ? this.byId.get(leafId) : undefined;
    while (node && !seen.has(node.id)) {
      seen.add(node.id);
      path.push(node);
      node = node.parentId ? this.byId.get(node.parentId) : undefined;
    }
    return path.reverse();
  }

  /** Messages sharing the parent of `id` (itself included), oldest first. */
  siblingsOf(id: string): N[] {
    const node = this.byId.get(id);
    return node ? (this.children.get(node.parentId) ?? []) : [];
  }

  /** The leaf reached from `id` by always following the newest child. */
  newestLeafBelow(id: string): N | undefined {
    let node = this.byId.get(id);
    const seen = new Set<string>();
    while (node && !seen.has(node.id)) {
      seen.add(node.id);
      const next = this.children.get(node.id)?.at(-1);
      if (!next) return node;
      node = next;
    }
    return node;
  }

  /** The newest leaf of the whole tree (the fallback when no active leaf is recorded). */
  newestLeaf(): N | undefined {
    const roots = this.children.get(null);
    const last = roots?.at(-1);
    return last ? this.newestLeafBelow(last.id) : undefined;
  }

  /**
   * The user message a turn answering `id` starts from: `id` itself when it is a user message,
   * otherwise its nearest user ancestor (regenerating any answer of a turn redoes the turn).
   */
  turnStart(id: string): N | undefined {
    return this.pathTo(id)
      .reverse()
      .find((n) => n.role === 'user');
  }
}

/** The active branch: the path to `activeLeafId`, or to the newest leaf when it is unset or gone. */
export function activeBranch<N extends TreeNode>(tree: MessageTree<N>, activeLeafId: string | null): N[] {
  const path = tree.pathTo(activeLeafId);
  if (path.length > 0) return path;
  const leaf = tree.newestLeaf();
  return leaf ? tree.pathTo(leaf.id) : [];
}
