// The configuration fields that every script node shares (ThingsBoard's scriptLang, jsScript,
// tbelScript), declared once, and how a node builds its script from them.

import { enumField, integerField, stringField, type ConfigOf } from '../engine/config-spec.js'
import { ScriptError } from '../errors.js'
import { DEFAULT_TIMEOUT_MS, RuleNodeScript } from '../script/rule-node-script.js'

/** The script fields of a node whose ThingsBoard UI starts new nodes with these scripts. */
export function scriptFields(uiDefaults: { readonly js: string; readonly tbel: string }) {
  return {
    scriptLang: enumField({
      values: ['JS', 'TBEL'] as const,
      default: 'JS',
      description:
        'Language of the script; absent: JS, as ThingsBoard reads exports from before 3.5 (its UI starts new nodes with TBEL)'
    }),
    jsScript: stringField({
      default: undefined,
      description: `JavaScript: the body of a function of (msg, metadata, msgType); ThingsBoard's UI starts with ${JSON.stringify(uiDefaults.js)}`
    }),
    tbelScript: stringField({
      default: undefined,
      description: `TBEL: the same, in ThingsBoard's expression language; ThingsBoard's UI starts with ${JSON.stringify(uiDefaults.tbel)}`
    }),
    scriptTimeoutMs: integerField({
      default: 0,
      min: 0,
      description: `Not in ThingsBoard (a server setting there): time limit of one call in ms; 0: ThingsBoard's defaults, ${DEFAULT_TIMEOUT_MS.JS} for JS, ${DEFAULT_TIMEOUT_MS.TBEL} for TBEL`
    })
  }
}

/** The parsed script fields. */
export type ScriptConfig = ConfigOf<ReturnType<typeof scriptFields>>

/** Compiles the script the configuration selects; an error names the field it came from. */
export function compileScript(
  config: ScriptConfig,
  argNames?: readonly [string, string, string]
): RuleNodeScript {
  const field = config.scriptLang === 'TBEL' ? 'tbelScript' : 'jsScript'
  const source = config.scriptLang === 'TBEL' ? config.tbelScript : config.jsScript
  try {
    return RuleNodeScript.compile({
      lang: config.scriptLang,
      source: source ?? '',
      timeoutMs:
        config.scriptTimeoutMs === 0 ? DEFAULT_TIMEOUT_MS[config.scriptLang] : config.scriptTimeoutMs,
      ...(argNames === undefined ? {} : { argNames })
    })
  } catch (error) {
    if (error instanceof ScriptError) throw new ScriptError(`${field}: ${error.message}`, { field })
    throw error
  }
}
