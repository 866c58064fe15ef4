import { BaseCommand, benchmark, flags, type CommandOptions } from '#plugin-sdk'
import { toTranscriptionWav } from '../audio/wav.js'

type Sample = { ms: number; status: number; refusal?: string }

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** a figure taken over refusals would measure the refusal: name the first one instead */
function refuseFailures(samples: Sample[]) {
  const failed = samples.filter((sample) => sample.status !== 200)
  if (failed.length === 0) return
  throw new Error(
    `${failed.length} of ${samples.length} requests did not answer 200; first: ${failed[0].status} ${failed[0].refusal}`
  )
}

/**
 * npm run bench:noa — the glasses endpoint's own cost against a
 * zero-latency fake model on loopback: p50/p95 of POST /noa/mm for a
 * spoken question alone, with a 200 KB photo, and a spoken follow-up
 * ("And how many people live there?", whose topic needs no model call),
 * minus the same model calls made directly (the ones the endpoint made
 * for that request: what the provider round trips cost), and the
 * requests per second at 20 concurrent requests. Figures from one run.
 */
export default class BenchNoa extends BaseCommand {
  static commandName = 'bench:noa'
  static description =
    'Benchmark: the Noa endpoint overhead (p50/p95) and requests/s at 20 concurrent'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Requests measured per scenario', default: 200 })
  declare requests: number

  @flags.number({ description: 'Concurrent requests for the throughput run', default: 20 })
  declare concurrency: number

  async run() {
    // The fixtures the tests use: the fake provider and the app's request shapes.
    const { startFakeModelServer, DEFAULT_TRANSCRIPT } =
      await import('../tests/fake_model/fake_model_server.js')
    const { createAllRoundModel } = await import('../tests/fake_model/models.js')
    const { glassesForm, glassesWav, jpeg } = await import('../tests/fake_model/glasses.js')

    await benchmark.prepareDatabase()
    const fake = await startFakeModelServer()
    const app = await benchmark.startServer()
    try {
      const url = `${app.baseUrl}/noa/mm`
      const member = await benchmark.memberWithToken({ abilities: ['assistant'] })
      await createAllRoundModel({ id: member.organizationId }, fake.baseUrl)
      const headers = { authorization: `Bearer ${member.token}` }
      const photo = jpeg(200 * 1024)
      const recording = glassesWav()
      const history = [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: 'Paris.' },
      ]
      const post = async (withImage: boolean): Promise<Sample> => {
        const body = glassesForm({
          messages: history,
          location: 'Rue de Rivoli, Paris',
          time: '2025-07-02 11:29:48.054846',
          audio: recording,
          image: withImage ? photo : null,
        })
        const started = performance.now()
        const response = await fetch(url, { method: 'POST', body, headers })
        const answer = await response.text()
        const ms = performance.now() - started
        return response.status === 200
          ? { ms, status: 200 }
          : { ms, status: response.status, refusal: answer.slice(0, 300) }
      }

      // what the same provider calls cost when made directly (the endpoint's floor):
      // the transcription, then as many chat calls as the endpoint made (topic, answer)
      const wav16 = toTranscriptionWav(recording)!
      const photoUrl = `data:image/jpeg;base64,${photo.toString('base64')}`
      const direct = async (withImage: boolean, chatCalls: number) => {
        const started = performance.now()
        const upload = new FormData()
        upload.append('model', 'fake-chat')
        upload.append('file', new Blob([wav16], { type: 'audio/wav' }), 'audio.wav')
        const transcribed = await fetch(`${fake.baseUrl}/audio/transcriptions`, {
          method: 'POST',
          body: upload,
        })
        await transcribed.text()
        const answer = withImage
          ? [
              { type: 'text', text: 'q' },
              { type: 'image_url', image_url: { url: photoUrl } },
            ]
          : 'q'
        const contents = [...Array.from({ length: chatCalls - 1 }, () => 'classify'), answer]
        for (const content of contents) {
          const answered = await fetch(`${fake.baseUrl}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'fake-chat', messages: [{ role: 'user', content }] }),
          })
          await answered.text()
        }
        return performance.now() - started
      }

      const scenario = async (withImage: boolean, transcript = DEFAULT_TRANSCRIPT) => {
        fake.setTranscript(transcript)
        for (let index = 0; index < 10; index++) await post(withImage)
        const samples: Sample[] = []
        const floors: number[] = []
        let chatCalls = 0
        // CPU time of this process (client, server and fake model) moves far less with the load than wall time
        let endpointCpu = 0
        let directCpu = 0
        const cpuMs = () => {
          const usage = process.cpuUsage()
          return (usage.user + usage.system) / 1000
        }
        for (let index = 0; index < this.requests; index++) {
          fake.requests.length = 0
          const before = cpuMs()
          samples.push(await post(withImage))
          const between = cpuMs()
          const calls = fake.requestsTo('chat').length
          chatCalls += calls
          floors.push(await direct(withImage, calls))
          endpointCpu += between - before
          directCpu += cpuMs() - between
        }
        fake.requests.length = 0
        fake.setTranscript(DEFAULT_TRANSCRIPT)
        refuseFailures(samples)
        const times = samples.map((sample) => sample.ms)
        return {
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          floor50: percentile(floors, 50),
          floor95: percentile(floors, 95),
          chatCallsPerRequest: chatCalls / this.requests,
          cpuMs: endpointCpu / this.requests,
          directCpuMs: directCpu / this.requests,
        }
      }

      const queryCount = await benchmark.queryCounter()
      const queriesBefore = queryCount()
      const text = await scenario(false)
      const queriesPerRequest = (queryCount() - queriesBefore) / (this.requests + 10)
      const image = await scenario(true)
      const followUp = await scenario(false, 'And how many people live there?')

      const total = this.requests * 2
      let next = 0
      const throughputSamples: Sample[] = []
      // all of the process's threads (main, libuv pool, GC helpers): what 250 requests/s would need of 2 cores
      const throughputCpu = process.cpuUsage()
      const started = performance.now()
      await Promise.all(
        Array.from({ length: this.concurrency }, async () => {
          while (next < total) {
            next += 1
            throughputSamples.push(await post(false))
            if (fake.requests.length > 1000) fake.requests.length = 0
          }
        })
      )
      const seconds = (performance.now() - started) / 1000
      const spent = process.cpuUsage(throughputCpu)
      const throughputCpuSeconds = (spent.user + spent.system) / 1e6
      refuseFailures(throughputSamples)

      const line = (label: string, result: typeof text) =>
        `${label} endpoint p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms; ` +
        `direct model calls p50 ${result.floor50.toFixed(1)} ms; ` +
        `overhead p50 ${(result.p50 - result.floor50).toFixed(1)} ms, p95 ${(result.p95 - result.floor95).toFixed(1)} ms ` +
        `(endpoint/direct ${(result.p50 / result.floor50).toFixed(2)}×); ` +
        `${result.chatCallsPerRequest.toFixed(2)} chat calls/request; ` +
        `CPU/request ${result.cpuMs.toFixed(2)} ms (direct ${result.directCpuMs.toFixed(2)} ms, overhead ${(result.cpuMs - result.directCpuMs).toFixed(2)} ms)`
      this.logger.log(
        `zero-latency fake model on loopback, ${this.requests} sequential requests per scenario`
      )
      this.logger.log(line('spoken question:     ', text))
      this.logger.log(line('with a 200 KB photo: ', image))
      this.logger.log(line('spoken follow-up:    ', followUp))
      this.logger.log(`photo/text p50 ratio: ${(image.p50 / text.p50).toFixed(2)}×`)
      this.logger.log(
        `throughput:          ${Math.round(total / seconds)} requests/s at ${this.concurrency} concurrent (${total} requests); ` +
          `process CPU ${((throughputCpuSeconds * 1000) / total).toFixed(2)} ms/request, ` +
          `${(throughputCpuSeconds / seconds).toFixed(2)} cores busy (client, server and fake model)`
      )
      this.logger.log(`SQL statements per request: ${queriesPerRequest.toFixed(2)}`)

      // the topic decision alone, in one run: a question the model decides, a follow-up its cue decides
      const { default: DetectTopicChange } = await import('../chat/topic.js')
      const { withOrganizationModels } = await import('../ai/models.js')
      const decide = async (prompt: string) => {
        const cpuBefore = process.cpuUsage()
        const decidingSince = performance.now()
        for (let index = 0; index < this.requests; index++) {
          await withOrganizationModels(member.organizationId, () =>
            new DetectTopicChange().execute({
              organizationId: member.organizationId,
              previous: history as { role: 'user' | 'assistant'; content: string }[],
              prompt,
            })
          )
        }
        const cpu = process.cpuUsage(cpuBefore)
        return {
          wallMs: (performance.now() - decidingSince) / this.requests,
          cpuMs: (cpu.user + cpu.system) / 1000 / this.requests,
        }
      }
      const byModel = await decide('Is France bigger than Spain?')
      const byCue = await decide('And how many people live there?')
      this.logger.log(
        `topic decision:      by the model ${byModel.wallMs.toFixed(2)} ms (CPU ${byModel.cpuMs.toFixed(2)} ms), ` +
          `by a follow-up cue ${byCue.wallMs.toFixed(3)} ms (CPU ${byCue.cpuMs.toFixed(3)} ms)`
      )
      await benchmark.record('noa', {
        textP95Ms: Number(text.p95.toFixed(1)),
        textOverheadP95Ms: Number((text.p95 - text.floor95).toFixed(1)),
        photoP95Ms: Number(image.p95.toFixed(1)),
        photoOverheadP95Ms: Number((image.p95 - image.floor95).toFixed(1)),
        followUpP95Ms: Number(followUp.p95.toFixed(1)),
        followUpOverheadP95Ms: Number((followUp.p95 - followUp.floor95).toFixed(1)),
        textCpuOverheadMs: Number((text.cpuMs - text.directCpuMs).toFixed(2)),
        photoCpuOverheadMs: Number((image.cpuMs - image.directCpuMs).toFixed(2)),
        followUpCpuOverheadMs: Number((followUp.cpuMs - followUp.directCpuMs).toFixed(2)),
        requestsPerSecond: Math.round(total / seconds),
        concurrency: this.concurrency,
        queriesPerRequest: Number(queriesPerRequest.toFixed(2)),
        topicByModelMs: Number(byModel.wallMs.toFixed(2)),
        topicByCueMs: Number(byCue.wallMs.toFixed(3)),
      })
    } finally {
      await app.close()
      await fake.close()
    }
  }
}
