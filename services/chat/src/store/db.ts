// The chat service's Prisma client type and the row → DTO mappings. Nothing outside this
// service reads these tables.
import type { ConversationDto, MessageDto, ToolCallDto } from '../api.js';
import type { Conversation, Message, PrismaClient } from '../generated/prisma/client.js';

export type ChatDb = PrismaClient;
export type { Conversation, Message };

export function toConversationDto(c: Conversation, generating: boolean): ConversationDto {
  return {
    id: c.id,
    title: c.title,
    titleSource: c.titleSource === 'user' ? 'user' : 'auto',
    activeLeafId: c.activeLeafId,
    generating,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toolCallsOf(m: Pick<Message, 'toolCalls'>): ToolCallDto[] | null {
  return Array.isArray(m.toolCalls) ? (m.toolCalls as unknown as ToolCallDto[]) : null;
}

export function toMessageDto(m: Message): MessageDto {
  return {
    id: m.id,
    conversationId: m.conversationId,
    parentId: m.parentId,
    role: m.role as MessageDto['role'],
    content: m.content,
    toolCalls: toolCallsOf(m),
    toolCallId: m.toolCallId,
    toolName: m.toolName,
    status: m.status as MessageDto['status'],
    finishReason: m.finishReason,
    error: m.error,
    model: m.model,
    createdAt: m.createdAt.toISOString(),
  };
}
