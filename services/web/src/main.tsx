import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppProvider } from './app/context';
import { createServices } from './app/services';
import { registerServiceWorker } from './sw-register';
import './styles.css';

const services = createServices();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider services={services}>
      <App />
    </AppProvider>
  </StrictMode>,
);
registerServiceWorker();
