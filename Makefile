# NoamLab: the two commands a new user needs.
#   make run    installs what is missing, builds, opens the app on its default lesson
#   make test   installs what is missing, builds, runs every test (ctest)
# Everything else is plain CMake in build/.

BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: run test build deps deps-test bench clean

run: deps build
	./$(BUILD)/noamlab

test: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@bash tools/install-deps.sh run

deps-test:
	@bash tools/install-deps.sh test

bench: deps-test build
	./$(BUILD)/noamlab bench

clean:
	rm -rf $(BUILD)
