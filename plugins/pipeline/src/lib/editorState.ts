/*
 * The editor's state: the YAML text (the one source of truth), the text both views last
 * settled on, and undo/redo over texts. A graph edit is settled at once; typing in the YAML
 * editor settles after a pause, so the graph and the validation follow without re-parsing and
 * re-validating on every keystroke of a 200-component file.
 */
import type { PipelineResource } from '@butler-portal/plugin-pipeline-common';
import { readPipelineText, writePipelineText } from './pipelineText';

export interface EditorState {
  text: string;
  /** what the graph and the validation show; equals `text` once typing pauses */
  settled: string;
  past: string[];
  future: string[];
  /** the last graph edit that could not be written (e.g. the YAML does not parse) */
  error?: string;
}

export type EditorAction =
  | { type: 'type'; text: string }
  | { type: 'settle' }
  | { type: 'graph'; edit: (resource: PipelineResource) => PipelineResource }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'reset'; text: string };

const MAX_HISTORY = 200;

export function initialEditorState(text: string): EditorState {
  return { text, settled: text, past: [], future: [] };
}

function remember(past: string[], text: string): string[] {
  const next = [...past, text];
  return next.length > MAX_HISTORY ? next.slice(next.length - MAX_HISTORY) : next;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'type':
      if (action.text === state.text) return state;
      return { ...state, text: action.text, error: undefined };
    case 'settle':
      if (state.settled === state.text) return state;
      // the typing since the last settle becomes one undo step
      return {
        ...state,
        settled: state.text,
        past: remember(state.past, state.settled),
        future: [],
      };
    case 'graph': {
      const resource = readPipelineText(state.text);
      if (!resource) {
        return {
          ...state,
          error:
            'The YAML does not parse; fix it in the YAML editor before editing the graph.',
        };
      }
      let text: string;
      try {
        text = writePipelineText(state.text, action.edit(resource));
      } catch (e) {
        return { ...state, error: (e as Error).message };
      }
      if (text === state.text) return state;
      return {
        text,
        settled: text,
        past: remember(state.past, state.text),
        future: [],
      };
    }
    case 'undo': {
      // pending typing is settled first, so undo never loses it silently
      const s = state.settled !== state.text ? editorReducer(state, { type: 'settle' }) : state;
      if (s.past.length === 0) return s;
      const previous = s.past[s.past.length - 1];
      return {
        text: previous,
        settled: previous,
        past: s.past.slice(0, -1),
        future: [s.text, ...s.future],
      };
    }
    case 'redo': {
      if (state.future.length === 0) return state;
      const [next, ...rest] = state.future;
      return {
        text: next,
        settled: next,
        past: remember(state.past, state.text),
        future: rest,
      };
    }
    case 'reset':
      return initialEditorState(action.text);
    default:
      return state;
  }
}
