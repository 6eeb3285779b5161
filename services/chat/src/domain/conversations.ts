// Conversation use cases: create, list and search, read with the active branch, rename,
// switch branch, stop, delete. Every one starts from the caller's own conversation (404
// otherwise).
import { problems } from '@elwosa/runtime';
import type { BranchDto, ConversationDto } from '../api.js';
import { findOwned, listOwned } from '../store/conversations.js';
import { type Conversation, type Message, toConversationDto, toMessageDto } from '../store/db.js';
import { loadTree } from '../store/messages.js';
import { activeBranch, type MessageTree } from './branches.js';
import type { ChatContext } from './context.js';
import { settledView } from './interrupted.js';
import { DEFAULT_TITLE } from './title.js';

async function dto(ctx: ChatContext, c: Conversation): Promise<ConversationDto> {
  return toConversationDto(c, await ctx.generations.isRunning(c.id));
}

function branchOf(tree: MessageTree<Message>, activeLeafId: string | null, generating: boolean) {
  return activeBranch(tree, activeLeafId).map((m) => ({
    ...settledView(toMessageDto(m), generating),
    siblingIds: tree.siblingsOf(m.id).map((s) => s.id),
  }));
}

export async function createConversation(
  ctx: ChatContext,
  ownerId: string,
  title: string | undefined,
): Promise<ConversationDto> {
  const c = await ctx.db.conversation.create({
    data: { ownerId, title: title ?? DEFAULT_TITLE, titleSource: title ? 'user' : 'auto' },
  });
  return toConversationDto(c, false);
}

export async function listConversations(
  ctx: ChatContext,
  ownerId: string,
  query: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<{ items: ConversationDto[]; nextCursor: string | null }> {
  const page = await listOwned(ctx.db, ownerId, query);
  return { items: await Promise.all(page.items.map((c) => dto(ctx, c))), nextCursor: page.nextCursor };
}

export async function getConversation(ctx: ChatContext, ownerId: string, id: string): Promise<BranchDto> {
  const c = await findOwned(ctx.db, ownerId, id);
  const tree = await loadTree(ctx.db, c.id);
  const conversation = await dto(ctx, c);
  return { conversation, messages: branchOf(tree, c.activeLeafId, conversation.generating) };
}

export async function renameConversation(
  ctx: ChatContext,
  ownerId: string,
  id: string,
  title: string,
): Promise<ConversationDto> {
  const c = await findOwned(ctx.db, ownerId, id);
  return dto(
    ctx,
    await ctx.db.conversation.update({ where: { id: c.id }, data: { title, titleSource: 'user' } }),
  );
}

export async function activateBranch(
  ctx: ChatContext,
  ownerId: string,
  id: string,
  messageId: string,
): Promise<BranchDto> {
  const c = await findOwned(ctx.db, ownerId, id);
  if (await ctx.generations.isRunning(c.id))
    throw problems.conflict('a reply is being generated; stop it or wait');
  const tree = await loadTree(ctx.db, c.id);
  const leaf = tree.get(messageId) ? tree.newestLeafBelow(messageId) : undefined;
  if (!leaf) throw problems.notFound('no such message in this conversation');
  const updated = await ctx.db.conversation.update({ where: { id: c.id }, data: { activeLeafId: leaf.id } });
  return { conversation: toConversationDto(updated, false), messages: branchOf(tree, leaf.id, false) };
}

export async function stopGeneration(
  ctx: ChatContext,
  ownerId: string,
  id: string,
): Promise<{ stopping: boolean }> {
  const c = await findOwned(ctx.db, ownerId, id);
  return { stopping: await ctx.generations.requestStop(c.id, ownerId) };
}

export async function deleteConversation(ctx: ChatContext, ownerId: string, id: string): Promise<void> {
  const c = await findOwned(ctx.db, ownerId, id);
  await ctx.generations.requestStop(c.id, ownerId);
  await ctx.db.conversation.deleteMany({ where: { id: c.id, ownerId } });
}
