import { describe, expect, it } from 'vitest'
import type { ChatMessage, ChatRequest, FunctionTool } from '@sluice/sdk'
import { toGenerateContent } from './request.js'
import { SKIP_SIGNATURE } from './contents.js'

const req = (extra: Partial<ChatRequest> & Record<string, unknown> = {}, messages: ChatMessage[] = [{ role: 'user', content: 'hi' }]): ChatRequest => ({ model: 'gemini-2.5-flash', messages, ...extra })
const build = (r: ChatRequest, model = 'gemini-2.5-flash') => toGenerateContent(r, 'gemini', model)
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'

describe('canonical → generateContent body', () => {
  it('moves system and developer messages to systemInstruction and names roles user/model', () => {
    const body = build(req({}, [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'user', content: 'Bonjour' },
      { role: 'assistant', content: 'Salut !' },
      { role: 'user', content: 'Ça va ?' },
    ]))
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Bonjour' }] },
        { role: 'model', parts: [{ text: 'Salut !' }] },
        { role: 'user', parts: [{ text: 'Ça va ?' }] },
      ],
    })
  })

  it('sends data: images inline and https images as fileData with their type', () => {
    const body = build(req({}, [{ role: 'user', content: [
      { type: 'text', text: 'Compare' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=large' } },
      { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
      { type: 'file', file: { file_id: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
    ] }]))
    expect(body.contents[0].parts).toEqual([
      { text: 'Compare' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=large' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
    ])
  })

  it('takes a MIME type passed along on the part when the URL hides it', () => {
    const body = build(req({}, [{ role: 'user', content: [
      { type: 'image_url', image_url: { url: 'https://cdn.example.com/i?id=7', mime_type: 'image/webp' } as never },
      { type: 'file', file: { file_id: 'gs://bucket/clip', mime_type: 'video/mp4' } as never },
    ] }]))
    expect(body.contents[0].parts).toEqual([{ fileData: { mimeType: 'image/webp', fileUri: 'https://cdn.example.com/i?id=7' } }, { fileData: { mimeType: 'video/mp4', fileUri: 'gs://bucket/clip' } }])
  })

  it.each([
    ['http://example.com/cat.png', /https:\/\/ and gs:\/\//],
    ['https://cdn.example.com/image?id=7', /extension does not tell it/],
    ['https://example.com/report.pdf', /extension does not tell it/],
  ])('refuses the image URL %s with a 400 naming the field', (url, why) => {
    expect(() => build(req({}, [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }]))).toThrow(expect.objectContaining({ status: 400, type: 'provider_unsupported', param: 'messages[0].content[0].image_url.url', message: expect.stringMatching(why) }))
  })

  it('maps sampling, length, stop, n, seed, penalties, logprobs and JSON output to generationConfig', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }
    const body = build(req({ temperature: 0.2, top_p: 0.8, top_k: 20, max_completion_tokens: 300, max_tokens: 100, stop: 'END', n: 2, seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5, logprobs: true, top_logprobs: 3, response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } }))
    expect(body.generationConfig).toEqual({ temperature: 0.2, topP: 0.8, topK: 20, maxOutputTokens: 300, stopSequences: ['END'], candidateCount: 2, presencePenalty: 0.5, frequencyPenalty: -0.5, seed: 42, responseLogprobs: true, logprobs: 3, responseMimeType: 'application/json', responseJsonSchema: schema })
    expect(build(req({ response_format: { type: 'json_object' } })).generationConfig).toEqual({ responseMimeType: 'application/json' })
    expect(build(req({ response_format: { type: 'text' }, stream_options: { include_usage: true }, user: 'u-1', metadata: { a: 'b' }, store: false })).generationConfig).toBeUndefined()
  })

  it('maps reasoning_effort to a thinking budget (Gemini 2.x) or level (Gemini 3+)', () => {
    expect(build(req({ reasoning_effort: 'low' })).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024 } })
    expect(build(req({ reasoning_effort: 'none' })).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } })
    expect(build(req({ reasoning_effort: 'high' }), 'gemini-3-pro-preview').generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'high' } })
    // An exact thinkingConfig under `gemini` wins: budget and level together are refused by Gemini.
    expect(build(req({ reasoning_effort: 'low', gemini: { generationConfig: { thinkingConfig: { thinkingBudget: 2000, includeThoughts: true } } } })).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 2000, includeThoughts: true } })
    expect(() => build(req({ reasoning_effort: 'extreme' }))).toThrow(expect.objectContaining({ param: 'reasoning_effort' }))
  })

  it('declares functions with their JSON Schema and maps every tool_choice', () => {
    const tool: FunctionTool = { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {}, additionalProperties: false } } }
    const body = build(req({ tools: [tool] }))
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'f', description: 'd', parametersJsonSchema: tool.function.parameters }] }])
    expect(body.toolConfig).toBeUndefined()
    const mode = (tool_choice: ChatRequest['tool_choice'], tools = [tool]) => build(req({ tools, tool_choice })).toolConfig
    expect(mode('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } })
    expect(mode('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } })
    expect(mode('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } })
    expect(mode({ type: 'function', function: { name: 'f' } })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } })
    // OpenAI's strict functions: schema adherence is Gemini's VALIDATED mode.
    expect(mode('auto', [{ ...tool, function: { ...tool.function, strict: true } }])).toEqual({ functionCallingConfig: { mode: 'VALIDATED' } })
  })

  it('sends tool calls as functionCall parts and results as functionResponse parts, found by call id', () => {
    const body = build(req({}, [
      { role: 'user', content: 'Weather in Paris and London?' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"London"}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_b', content: '{"temp":14}' },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny, 21°C' },
      { role: 'user', content: 'Thanks' },
    ]))
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and London?' }] },
      { role: 'model', parts: [
        // History from another model: Google's documented stand-in signature on the first call.
        { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: SKIP_SIGNATURE },
        { functionCall: { name: 'weather', args: { city: 'London' } } },
      ] },
      { role: 'user', parts: [
        { functionResponse: { name: 'weather', response: { temp: 14 } } },
        { functionResponse: { name: 'weather', response: { output: 'sunny, 21°C' } } },
        { text: 'Thanks' },
      ] },
    ])
  })

  it('sends a thought signature back on the call it came with', () => {
    const body = build(req({}, [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG==' } } } as never] },
      { role: 'tool', tool_call_id: 'c1', content: '[1,2]' },
    ]))
    expect(body.contents[1]).toEqual({ role: 'model', parts: [{ text: 'Let me look.' }, { functionCall: { name: 'f', args: {} }, thoughtSignature: 'SIG==' }] })
    expect(body.contents[2].parts[0]).toEqual({ functionResponse: { name: 'f', response: { output: [1, 2] } } })
  })

  it('merges Gemini-only fields from `gemini`, extra tools after the functions', () => {
    const body = build(req({
      tools: [{ type: 'function', function: { name: 'f' } }],
      temperature: 1,
      gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }], generationConfig: { topK: 5 }, tools: [{ googleSearch: {} }], cachedContent: 'cachedContents/abc' },
    }))
    expect(body).toMatchObject({
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      generationConfig: { temperature: 1, topK: 5 },
      tools: [{ functionDeclarations: [{ name: 'f' }] }, { googleSearch: {} }],
      cachedContent: 'cachedContents/abc',
    })
  })
})

describe('refused, never dropped', () => {
  it.each([
    ['logit_bias', { logit_bias: { '1': 5 } }],
    ['service_tier', { service_tier: 'flex' }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
    ['store', { store: true }],
    ['response_format.type', { response_format: { type: 'grammar' } }],
    ['tool_choice', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'allowed_tools', allowed_tools: {} } }],
    ['tools[0].type', { tools: [{ type: 'custom', custom: { name: 'x' } }] }],
  ])('%s', (param, extra) => {
    expect(() => build(req(extra as Record<string, unknown>))).toThrow(expect.objectContaining({ status: 400, type: 'provider_unsupported', param }))
  })

  it('accepts null for fields it does not support, as SDKs send them', () => {
    expect(() => build(req({ logit_bias: null, prediction: null }))).not.toThrow()
  })

  it('refuses participant names and unknown content parts', () => {
    expect(() => build(req({}, [{ role: 'user', content: 'x', name: 'alice' }]))).toThrow(expect.objectContaining({ param: 'messages[0].name' }))
    expect(() => build(req({}, [{ role: 'user', content: [{ type: 'video_url', video_url: {} } as never] }]))).toThrow(expect.objectContaining({ param: 'messages[0].content[0].type' }))
  })

  it('refuses a tool result whose call is not in the conversation, and bad arguments', () => {
    expect(() => build(req({}, [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'ghost', content: '1' }]))).toThrow(expect.objectContaining({ status: 400, type: 'caller_invalid_request', param: 'messages[1].tool_call_id' }))
    expect(() => build(req({}, [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }]))).toThrow(expect.objectContaining({ param: 'messages[0].tool_calls[0].function.arguments' }))
  })
})
