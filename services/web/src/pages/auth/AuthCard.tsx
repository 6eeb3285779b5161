import type { ReactNode } from 'react';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <section className="card auth-card" aria-labelledby="auth-title">
        <p className="brand-line">
          <img src="/icons/icon.svg" alt="" width="32" height="32" /> ELWOSA
        </p>
        <h1 id="auth-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}
