import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** An app as `GET fastpreview/api/apps?details=1` describes it. */
export interface IApp {
  id: string;
  name: string;
  folder: string;
  preview_path: string;
  status: string;
  sessions: number;
  last_build: { kind: string; ms: number; ok: boolean; created_at: number } | null;
  latest_deployment: { id: string; url: string | null; status: string } | null;
  latest_sync: { status: string; commit_sha: string | null } | null;
}

/** A deployment as the deploy API describes it. */
export interface IDeployment {
  id: string;
  status: string;
  url: string | null;
  error: string | null;
  percent: number;
}

const settings = ServerConnection.makeSettings();

/** Call `{base_url}fastpreview/api/<path>` with Jupyter's auth and XSRF handling. */
async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'fastpreview', 'api', path);
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw await ServerConnection.ResponseError.create(response);
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

export function listApps(): Promise<IApp[]> {
  return request<IApp[]>('apps?details=1');
}

/** Register a folder (relative to the server root) as an app; the app, new or known. */
export function registerApp(path: string): Promise<IApp> {
  return request<IApp>('apps', { method: 'POST', body: JSON.stringify({ path }) });
}

export function startDeploy(appId: string): Promise<IDeployment> {
  return request<IDeployment>(`apps/${encodeURIComponent(appId)}/deployments`, {
    method: 'POST',
    body: JSON.stringify({ target: 'local' })
  });
}

export function deployment(id: string): Promise<IDeployment> {
  return request<IDeployment>(`deployments/${encodeURIComponent(id)}`);
}

/** An absolute URL for a path the API returns (from the base URL, or from the origin). */
export function absolute(pathFromBase: string): string {
  return URLExt.join(settings.baseUrl, pathFromBase);
}

/** The deploy, polled until it is live or failed. */
export async function deploy(appId: string): Promise<IDeployment> {
  let current = await startDeploy(appId);
  while (current.status !== 'live' && current.status !== 'failed') {
    await new Promise(resolve => setTimeout(resolve, 100));
    current = await deployment(current.id);
  }
  return current;
}
