import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** An app as `GET fastpreview/api/apps/<id>` and `POST fastpreview/api/apps` describe it. */
export interface IApp {
  id: string;
  name: string;
  /** The folder, relative to the server root. */
  folder: string;
  /** The preview's capability URL, as a path from the origin. */
  preview_url: string;
  status: 'ready' | 'building' | 'error';
  /** The build error if there is one, else the last runtime error the preview reported. */
  last_error: IAppError | null;
  sessions: number;
}

/** A build error, or a runtime error as a preview reported it (so: check every field). */
export interface IAppError {
  message?: unknown;
  file?: unknown;
  line?: unknown;
}

export interface IBuild {
  kind: string;
  ms: number;
  ok: boolean;
  /** Seconds since the epoch. */
  created_at: number;
}

export interface IDeployment {
  id: string;
  status: 'building' | 'publishing' | 'live' | 'failed';
  /** Absolute, or a path from the origin (the `local` target). */
  url: string | null;
  alias_url: string | null;
  error: string | null;
  created_at: number;
}

/** A deployment while it runs, as `GET fastpreview/api/deployments/<id>` describes it. */
export interface IDeployProgress extends IDeployment {
  phase: string;
  percent: number;
}

export interface ISyncJob {
  status: 'queued' | 'running' | 'done' | 'failed';
  commit_sha: string | null;
  last_error: string | null;
}

/** An app as the side panel lists it (`GET fastpreview/api/apps?details=1`). */
export interface IAppDetails extends IApp {
  last_build: IBuild | null;
  latest_deployment: IDeployment | null;
  latest_sync: ISyncJob | null;
}

const POLL_MS = 250;

/** Call `{base_url}fastpreview/api/<path>` with Jupyter's auth and XSRF handling. */
async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'fastpreview', 'api', path);
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw await ServerConnection.ResponseError.create(response);
  }
  return (await response.json()) as T;
}

const appPath = (id: string): string => `apps/${encodeURIComponent(id)}`;

export function listApps(): Promise<IAppDetails[]> {
  return request<IAppDetails[]>('apps?details=1');
}

export function getApp(id: string): Promise<IApp> {
  return request<IApp>(appPath(id));
}

/** Register a folder (relative to the server root) as an app: the app, new or known. */
export function registerApp(path: string): Promise<IApp> {
  return request<IApp>('apps', { method: 'POST', body: JSON.stringify({ path }) });
}

/** The starters a new app can be made from (`jupyter_fastpreview/templates.py`). */
export type Template = 'react-ts' | 'puck';

/** Make a new app folder (it must be absent or empty) seeded from `template`, registered. */
export function createApp(path: string, template: Template): Promise<IApp> {
  return request<IApp>('apps', { method: 'POST', body: JSON.stringify({ path, template }) });
}

/** The app's deployments, newest first. */
export function listDeployments(appId: string): Promise<IDeployment[]> {
  return request<IDeployment[]>(`${appPath(appId)}/deployments`);
}

/** Deploy to the `local` target; `progress` hears each state until it is live or failed. */
export async function deploy(
  appId: string,
  progress: (state: IDeployProgress) => void
): Promise<IDeployProgress> {
  let state = await request<IDeployProgress>(`${appPath(appId)}/deployments`, {
    method: 'POST',
    body: JSON.stringify({ target: 'local' })
  });
  while (state.status !== 'live' && state.status !== 'failed') {
    progress(state);
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
    state = await request<IDeployProgress>(`deployments/${encodeURIComponent(state.id)}`);
  }
  return state;
}

/** An absolute URL for one the API returns (absolute, or a path from the origin). */
export function resolveUrl(url: string): string {
  return new URL(url, window.location.origin).href;
}
