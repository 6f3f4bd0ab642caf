import { describe, expect, it } from 'vitest'
import { parseGenerateContent } from './request.js'
import { parseEmbedRequest } from './embeddings.js'

const parse = (body: Record<string, unknown>, stream = false) => parseGenerateContent(body, 'gemini-2.5-flash', stream)

describe('GenerateContentRequest → canonical', () => {
  it('takes the model from the URL and the stream flag from the method, asking for usage', () => {
    expect(parse({ contents: [{ parts: [{ text: 'hi' }] }] })).toEqual({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] })
    expect(parse({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, true)).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('maps systemInstruction, turns, media parts and thought summaries', () => {
    const r = parse({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Look:' }, { inlineData: { mimeType: 'image/png', data: 'AAA=' } }, { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://b/cat.jpg' } }, { inlineData: { mimeType: 'audio/mp3', data: 'SUQz' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } }, { fileData: { mimeType: 'video/mp4', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/v1' } }] },
        { role: 'model', parts: [{ text: 'Thinking…', thought: true }, { text: 'A cat.' }] },
      ],
    })
    expect(r.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA=' } },
        { type: 'image_url', image_url: { url: 'gs://b/cat.jpg' } },
        { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE' } },
        // The URI hides the type: it rides along for the Gemini provider.
        { type: 'file', file: { file_id: 'https://generativelanguage.googleapis.com/v1beta/files/v1', mime_type: 'video/mp4' } },
      ] },
      { role: 'assistant', content: 'A cat.', reasoning_content: 'Thinking…' },
    ])
  })

  it('gives function calls ids and matches responses by id, else by name in call order', () => {
    const r = parse({
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'w', args: { city: 'Paris' } }, thoughtSignature: 'SIG' }, { functionCall: { name: 'w', args: { city: 'Rome' } } }, { functionCall: { name: 't', args: {}, id: 'given' } }] },
        { role: 'user', parts: [{ functionResponse: { name: 't', id: 'given', response: { ok: true } } }, { functionResponse: { name: 'w', response: { temp: 20 } } }, { functionResponse: { name: 'w', response: { temp: 25 } } }, { text: 'and now?' }] },
      ],
    })
    expect(r.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [
        { id: 'call_1_0', type: 'function', function: { name: 'w', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'SIG' } } },
        { id: 'call_1_1', type: 'function', function: { name: 'w', arguments: '{"city":"Rome"}' } },
        { id: 'given', type: 'function', function: { name: 't', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'given', content: '{"ok":true}' },
      { role: 'tool', tool_call_id: 'call_1_0', content: '{"temp":20}' },
      { role: 'tool', tool_call_id: 'call_1_1', content: '{"temp":25}' },
      { role: 'user', content: 'and now?' },
    ])
  })

  it('maps tools and calling modes; ANY over several functions offers only those, as "required"', () => {
    const tools = [{ functionDeclarations: [
      { name: 'a', description: 'A', parameters: { type: 'OBJECT', properties: { x: { type: 'STRING', nullable: true }, list: { type: 'ARRAY', items: { type: 'INTEGER' } } }, required: ['x'] } },
      { name: 'b', parametersJsonSchema: { type: 'object', additionalProperties: false } },
      { name: 'c' },
    ] }, { googleSearch: {} }]
    const r = parse({ contents: [{ parts: [{ text: 'x' }] }], tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } } })
    expect(r.tools).toEqual([
      { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object', properties: { x: { type: ['string', 'null'] }, list: { type: 'array', items: { type: 'integer' } } }, required: ['x'] } } },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', additionalProperties: false } } },
    ])
    expect(r.tool_choice).toBe('required')
    expect(r.gemini).toEqual({ tools: [{ googleSearch: {} }] })
    const mode = (functionCallingConfig: Record<string, unknown>) => parse({ contents: [{ parts: [{ text: 'x' }] }], tools, toolConfig: { functionCallingConfig } })
    expect(mode({ mode: 'ANY', allowedFunctionNames: ['c'] }).tool_choice).toEqual({ type: 'function', function: { name: 'c' } })
    expect(mode({ mode: 'NONE' }).tool_choice).toBe('none')
    expect(mode({ mode: 'AUTO' }).tool_choice).toBe('auto')
    expect(mode({ mode: 'VALIDATED' }).tools!.every((t) => t.function.strict === true)).toBe(true)
    expect(() => mode({ mode: 'ANY', allowedFunctionNames: ['ghost'] })).toThrow(expect.objectContaining({ param: 'toolConfig.functionCallingConfig.allowedFunctionNames' }))
  })

  it('maps generationConfig and keeps the Gemini-only rest under `gemini`', () => {
    const r = parse({
      contents: [{ parts: [{ text: 'x' }] }],
      generationConfig: { temperature: 0.1, topP: 0.9, topK: 40, maxOutputTokens: 99, stopSequences: ['Z'], candidateCount: 2, seed: 3, presencePenalty: 0.2, frequencyPenalty: 0.3, responseLogprobs: true, logprobs: 2, responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } }, thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/c1',
    })
    expect(r).toMatchObject({
      temperature: 0.1, top_p: 0.9, max_tokens: 99, stop: ['Z'], n: 2, seed: 3, presence_penalty: 0.2, frequency_penalty: 0.3, logprobs: true, top_logprobs: 2, reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
    })
    expect(r.gemini).toEqual({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/c1',
      generationConfig: { topK: 40, thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true } },
    })
    expect(parse({ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { responseMimeType: 'application/json' } }).response_format).toEqual({ type: 'json_object' })
    expect(parse({ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } } }).gemini).toEqual({ generationConfig: { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } } })
  })

  it.each([
    [{}, 'contents'],
    [{ contents: [] }, 'contents'],
    [{ contents: [{ parts: 'x' }] }, 'contents[0].parts'],
    [{ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'contents[0].role'],
    [{ contents: [{ parts: [{ executableCode: { code: '1' } }] }] }, 'contents[0].parts[0]'],
    [{ contents: [{ role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: 'A' } }] }] }, 'contents[0].parts[0]'],
    [{ contents: [{ parts: [{ text: 'x' }] }], generationConfig: { temperature: 'hot' } }, 'generationConfig.temperature'],
    [{ contents: [{ parts: [{ text: 'x' }] }], toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } }, 'toolConfig.functionCallingConfig.mode'],
  ])('refuses %j naming %s', (body, param) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ status: 400, type: 'caller_invalid_request', param }))
  })
})

describe('embedContent / batchEmbedContents → canonical', () => {
  it('reads one content or a batch of them', () => {
    expect(parseEmbedRequest({ content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 64 }, 'e', 'embedContent')).toEqual({ model: 'e', input: 'a', dimensions: 64, gemini: { taskType: 'RETRIEVAL_QUERY' } })
    expect(parseEmbedRequest({ requests: [{ model: 'models/e', content: { parts: [{ text: 'a' }] } }, { model: 'models/e', content: { parts: [{ text: 'b' }] } }] }, 'e', 'batchEmbedContents')).toEqual({ model: 'e', input: ['a', 'b'] })
  })

  it('refuses a batch whose items disagree', () => {
    expect(() => parseEmbedRequest({ requests: [{ content: { parts: [{ text: 'a' }] }, title: 'x' }, { content: { parts: [{ text: 'b' }] }, title: 'y' }] }, 'e', 'batchEmbedContents')).toThrow(expect.objectContaining({ param: 'requests[1].title' }))
  })
})
