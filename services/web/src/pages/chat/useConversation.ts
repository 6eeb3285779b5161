// One conversation's messages, streaming in live over /ws. After a reconnect the socket resumes
// and the gateway replays what was missed; a gap or a resync reloads the conversation.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../api/types';
import { useApi, useLiveEvents } from '../../app/context';
import { applyChatEvent, type ChatView } from './chat-events';

export function useConversation(id: string) {
  const api = useApi();
  const [conversation, setConversation] = useState<Conversation | undefined>();
  const [view, setView] = useState<ChatView>({ messages: [], generating: false, nextDelta: {} });
  const [error, setError] = useState<unknown>();
  const viewRef = useRef(view);
  viewRef.current = view;

  const load = useCallback(async () => {
    try {
      const branch = await api.chat.get(id);
      setConversation(branch.conversation);
      // Streaming messages keep their delta position: the stored text so far is not indexed.
      const nextDelta = Object.fromEntries(
        branch.messages
          .filter((m) => m.status === 'streaming')
          .map((m) => [m.id, viewRef.current.nextDelta[m.id] ?? 0]),
      );
      setView({ messages: branch.messages, generating: branch.conversation.generating, nextDelta });
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, [api, id]);

  useEffect(() => {
    setView({ messages: [], generating: false, nextDelta: {} });
    void load();
  }, [load]);

  useLiveEvents(['chat.'], (event) => {
    if (event.type === 'resync') return void load();
    const data = event.data as { conversationId: string; messageId: string };
    if (data?.conversationId !== id) return;
    const outcome = applyChatEvent(viewRef.current, event.type, data);
    viewRef.current = outcome.view;
    setView(outcome.view);
    if (outcome.reload) void load();
  });

  return {
    conversation,
    view,
    error,
    reload: load,
    setGenerating: (g: boolean) => setView((v) => ({ ...v, generating: g })),
  };
}
